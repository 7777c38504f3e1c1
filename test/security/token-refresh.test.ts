import { afterEach, describe, expect, it } from 'vitest';
import { jwtAuth } from '../../server/index.js';
import type { ErrorInfo } from '../../shared/errors.js';
import { type TestClient, connectClient, connectSynced, destroyClients } from '../helpers/clients.js';
import { type RunningServer, startServer } from '../helpers/server.js';
import { testSecret, tokenFor } from '../helpers/tokens.js';
import { waitFor } from '../helpers/wait-for.js';

describe('tokens are fetched at each connect and expiry ends the session', () => {
  let running: RunningServer;
  let clients: TestClient[] = [];

  afterEach(async () => {
    destroyClients(clients);
    clients = [];
    await running?.close();
  });

  it('calls a token function at every connect, so a reconnect presents a fresh token', async () => {
    running = await startServer(jwtAuth({ secret: testSecret }));
    let calls = 0;
    const client = await connectSynced(running.url, 'doc', {
      token: () => {
        calls++;
        return tokenFor({ doc: 'write' }, 3600, `user-${calls}`);
      },
    });
    clients.push(client);
    expect(calls).toBe(1);
    const subjects = () =>
      [...running.server.io.of('/doc/doc').sockets.values()].map((s) => (s.data.principal as { subject: string }).subject);
    expect(subjects()).toEqual(['user-1']);
    for (const close of [false, true]) {
      running.server.io.of('/doc/doc').disconnectSockets(close);
      await waitFor(() => client.provider.synced === false, 'dropped');
      await client.provider.whenSynced();
    }
    expect(calls).toBe(3);
    expect(subjects()).toEqual(['user-3']);
  });

  it('an async token function works like a sync one', async () => {
    running = await startServer(jwtAuth({ secret: testSecret }));
    const client = await connectSynced(running.url, 'doc', {
      token: async () => {
        await new Promise((resolve) => setTimeout(resolve, 10));
        return tokenFor({ doc: 'read' });
      },
    });
    clients.push(client);
    expect(client.provider.access).toBe('read');
  });

  it('disconnects a session when its token expires; the provider reconnects with a fresh token and keeps every edit', async () => {
    running = await startServer(jwtAuth({ secret: testSecret }));
    let calls = 0;
    const client = await connectSynced(running.url, 'doc', {
      // Second-granularity `exp`: this token expires within one to two seconds.
      token: () => {
        calls++;
        return tokenFor({ doc: 'write' }, calls === 1 ? 2 : 3600);
      },
    });
    clients.push(client);
    const notices: ErrorInfo[] = [];
    client.provider.on('notice', (info) => notices.push(info));
    client.doc.getText('text').insert(0, 'before expiry;');
    await waitFor(() => notices.some((n) => n.code === 'TOKEN_EXPIRED'), 'expiry notice', 5_000);
    await waitFor(() => calls === 2 && client.provider.synced, 'resynced with a fresh token', 5_000);
    client.doc.getText('text').insert(0, 'after expiry;');
    await waitFor(() => client.provider.pendingCount === 0, 'saved');
    const other = await connectSynced(running.url, 'doc', { token: tokenFor({ doc: 'read' }) });
    clients.push(other);
    expect(other.doc.getText('text').toString()).toBe('after expiry;before expiry;');
  });

  it('a static token that has expired at reconnect stops the provider with auth-failed', async () => {
    running = await startServer(jwtAuth({ secret: testSecret }));
    const client = connectClient(running.url, 'doc', { token: tokenFor({ doc: 'write' }, 1) });
    clients.push(client);
    const failures: ErrorInfo[] = [];
    client.provider.on('auth-failed', (info) => failures.push(info));
    await waitFor(() => failures.length === 1, 'auth failed after expiry', 5_000);
    expect(failures[0]!.code).toBe('TOKEN_EXPIRED');
    expect(client.provider.status).toBe('disconnected');
  });
});
