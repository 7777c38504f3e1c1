import { afterEach, describe, expect, it } from 'vitest';
import { jwtAuth } from '../../server/index.js';
import type { ErrorInfo } from '../../shared/errors.js';
import { type TestClient, connectClient, connectSynced, destroyClients } from '../helpers/clients.js';
import { type RunningServer, startServer } from '../helpers/server.js';
import { testSecret, tokenFor } from '../helpers/tokens.js';
import { delay, waitFor } from '../helpers/wait-for.js';

const quick = { reconnectionDelay: 20, reconnectionDelayMax: 80 };

describe('a token function that fails is called again with backoff until it delivers', () => {
  let running: RunningServer;
  let clients: TestClient[] = [];

  afterEach(async () => {
    destroyClients(clients);
    clients = [];
    await running?.close();
  });

  it('throws, rejects and returns no string, then delivers: the provider connects, with a token-error for each failure', async () => {
    running = await startServer(jwtAuth({ secret: testSecret }));
    const failures: (() => string | Promise<string>)[] = [
      () => {
        throw new Error('identity provider unreachable');
      },
      () => Promise.reject(new Error('fetch failed')),
      () => undefined as unknown as string,
    ];
    let calls = 0;
    const client = connectClient(running.url, 'doc', {
      ...quick,
      token: () => (calls < failures.length ? failures[calls++]!() : (calls++, tokenFor({ doc: 'write' }))),
    });
    clients.push(client);
    const tokenErrors: { error: Error; retryInMs: number }[] = [];
    const authFailures: ErrorInfo[] = [];
    const statuses: string[] = [];
    client.provider.on('token-error', (event) => tokenErrors.push(event));
    client.provider.on('auth-failed', (info) => authFailures.push(info));
    client.provider.on('status', ({ status }) => statuses.push(status));
    await client.provider.whenSynced();
    expect(calls).toBe(4);
    expect(tokenErrors.map(({ error }) => error.message)).toEqual([
      'identity provider unreachable',
      'fetch failed',
      'the token function returned undefined, not a string',
    ]);
    expect(tokenErrors.map(({ retryInMs }) => retryInMs)).toEqual([20, 40, 80]);
    expect(authFailures).toEqual([]);
    expect(statuses).toEqual(['connected']);
  });

  it('fails while the provider comes back after a drop: the provider resyncs and keeps the edits made meanwhile', async () => {
    running = await startServer(jwtAuth({ secret: testSecret }));
    let failing = false;
    let calls = 0;
    const client = await connectSynced(running.url, 'doc', {
      ...quick,
      token: () => {
        calls++;
        if (failing) throw new Error('offline');
        return tokenFor({ doc: 'write' });
      },
    });
    clients.push(client);
    failing = true;
    running.server.io.of('/doc/doc').disconnectSockets();
    await waitFor(() => !client.provider.synced, 'dropped');
    client.doc.getText('text').insert(0, 'typed while the token could not be fetched');
    await waitFor(() => calls >= 4, 'retried several times');
    expect(client.provider.status).toBe('connecting');
    failing = false;
    await client.provider.whenSynced();
    await waitFor(() => client.provider.pendingCount === 0, 'saved');
    const reader = await connectSynced(running.url, 'doc', { token: tokenFor({ doc: 'read' }) });
    clients.push(reader);
    expect(reader.doc.getText('text').toString()).toBe('typed while the token could not be fetched');
  });

  it('stops calling the function once the provider is destroyed', async () => {
    running = await startServer(jwtAuth({ secret: testSecret }));
    let calls = 0;
    const client = connectClient(running.url, 'doc', {
      ...quick,
      token: () => {
        calls++;
        throw new Error('down');
      },
    });
    clients.push(client);
    await waitFor(() => calls >= 2, 'retrying');
    client.provider.destroy();
    const afterDestroy = calls;
    await delay(300);
    expect(calls).toBe(afterDestroy);
  });

  it('stops calling the function on disconnect() and calls it again on connect()', async () => {
    running = await startServer(jwtAuth({ secret: testSecret }));
    let calls = 0;
    let failing = true;
    const client = connectClient(running.url, 'doc', {
      ...quick,
      token: () => {
        calls++;
        if (failing) throw new Error('down');
        return tokenFor({ doc: 'write' });
      },
    });
    clients.push(client);
    await waitFor(() => calls >= 2, 'retrying');
    client.provider.disconnect();
    const afterDisconnect = calls;
    await delay(300);
    expect(calls).toBe(afterDisconnect);
    failing = false;
    client.provider.connect();
    await client.provider.whenSynced();
  });

  it('a call that never settles is abandoned after tokenTimeout and the function is called again', async () => {
    running = await startServer(jwtAuth({ secret: testSecret }));
    let calls = 0;
    const client = connectClient(running.url, 'doc', {
      ...quick,
      tokenTimeout: 100,
      // The first request hangs, as a fetch can on a network that is coming back.
      token: () => (++calls === 1 ? new Promise<string>(() => {}) : tokenFor({ doc: 'write' })),
    });
    clients.push(client);
    const tokenErrors: Error[] = [];
    client.provider.on('token-error', ({ error }) => tokenErrors.push(error));
    await client.provider.whenSynced();
    expect(calls).toBe(2);
    expect(tokenErrors.map((error) => error.message)).toEqual(['the token function did not settle within 100 ms']);
  });
});
