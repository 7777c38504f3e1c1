import { afterEach, describe, expect, it } from 'vitest';
import { jwtAuth } from '../../server/index.js';
import type { ErrorInfo } from '../../shared/errors.js';
import { type TestClient, connectClient, destroyClients } from '../helpers/clients.js';
import { type RunningServer, startServer } from '../helpers/server.js';
import { testSecret, tokenFor } from '../helpers/tokens.js';
import { delay, waitFor } from '../helpers/wait-for.js';

const quick = { reconnectionDelay: 20, reconnectionDelayMax: 80 };

describe('TOKEN_EXPIRED at connect: a token function is asked again, a static token stops', () => {
  let running: RunningServer;
  let clients: TestClient[] = [];

  afterEach(async () => {
    destroyClients(clients);
    clients = [];
    await running?.close();
  });

  it('a token function that hands out an expired token is called again and the provider connects', async () => {
    running = await startServer(jwtAuth({ secret: testSecret }));
    let calls = 0;
    const client = connectClient(running.url, 'doc', {
      ...quick,
      // A cached token that expired while the device slept, then a fresh one.
      token: () => tokenFor({ doc: 'write' }, ++calls <= 2 ? -60 : 3600),
    });
    clients.push(client);
    const errors: ErrorInfo[] = [];
    const authFailures: ErrorInfo[] = [];
    client.provider.on('connection-error', (info) => errors.push(info));
    client.provider.on('auth-failed', (info) => authFailures.push(info));
    await client.provider.whenSynced();
    expect(calls).toBe(3);
    expect(errors.map((info) => info.code)).toEqual(['TOKEN_EXPIRED', 'TOKEN_EXPIRED']);
    expect(authFailures).toEqual([]);
    client.doc.getText('text').insert(0, 'saved');
    await waitFor(() => client.provider.pendingCount === 0, 'saved');
  });

  it('a static token that has expired stops with one auth-failed and no further attempts', async () => {
    const { authenticate, authorize } = jwtAuth({ secret: testSecret });
    let attempts = 0;
    running = await startServer({
      authorize,
      authenticate: (handshake) => {
        attempts++;
        return authenticate(handshake);
      },
    });
    const client = connectClient(running.url, 'doc', { ...quick, token: tokenFor({ doc: 'write' }, -60) });
    clients.push(client);
    const authFailures: ErrorInfo[] = [];
    client.provider.on('auth-failed', (info) => authFailures.push(info));
    await waitFor(() => authFailures.length === 1, 'auth failed');
    await delay(400);
    expect(authFailures.map((info) => info.code)).toEqual(['TOKEN_EXPIRED']);
    expect(client.provider.status).toBe('disconnected');
    expect(attempts).toBe(1);
  });
});
