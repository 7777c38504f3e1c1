import { afterEach, describe, expect, it } from 'vitest';
import type { Access, Authorize, HandshakeInfo } from '../../server/index.js';
import { QuireError } from '../../shared/errors.js';
import { type TestClient, connectClient, connectSynced, destroyClients } from '../helpers/clients.js';
import { type RunningServer, startServer } from '../helpers/server.js';
import { delay, waitFor } from '../helpers/wait-for.js';

/** Fast backoff, so that a reconnect loop would show up as many attempts within the test. */
const eager = { reconnectionDelay: 20, reconnectionDelayMax: 50 };
const observeMs = 1_500;

describe('a denied client does not reconnect in a loop', () => {
  let running: RunningServer;
  let clients: TestClient[] = [];
  let attempts = 0;
  const grants = new Map<string, Access>();

  afterEach(async () => {
    destroyClients(clients);
    clients = [];
    grants.clear();
    await running?.close();
  });

  async function start(): Promise<void> {
    attempts = 0;
    const authorize: Authorize = (principal) => grants.get(String(principal)) ?? null;
    running = await startServer({
      authenticate: ({ token }: HandshakeInfo) => {
        attempts++;
        if (token === undefined || !token.startsWith('user:')) throw new QuireError('AUTH_FAILED');
        return token.slice('user:'.length);
      },
      authorize,
    });
  }

  it('makes one attempt with a bad token, then stays disconnected', async () => {
    await start();
    const client = connectClient(running.url, 'doc', { ...eager, token: 'garbage' });
    clients.push(client);
    await waitFor(() => attempts === 1, 'first attempt');
    await delay(observeMs);
    expect(attempts).toBe(1);
    expect(client.provider.status).toBe('disconnected');
  });

  it('makes one attempt without permission, then stays disconnected', async () => {
    await start();
    const client = connectClient(running.url, 'doc', { ...eager, token: 'user:mallory' });
    clients.push(client);
    let denied = 0;
    client.provider.on('permission-denied', () => denied++);
    await waitFor(() => denied === 1, 'permission denied');
    await delay(observeMs);
    expect(attempts).toBe(1);
    expect(denied).toBe(1);
  });

  for (const closeConnection of [false, true]) {
    it(`stops after one refusal when access is revoked and the server ${closeConnection ? 'drops the connection' : 'disconnects the socket'}`, async () => {
      await start();
      grants.set('alice', 'write');
      const client = await connectSynced(running.url, 'doc', { ...eager, token: 'user:alice' });
      clients.push(client);
      let denied = 0;
      client.provider.on('permission-denied', () => denied++);
      grants.delete('alice');
      running.server.io.of('/doc/doc').disconnectSockets(closeConnection);
      await waitFor(() => denied === 1, 'permission denied after reconnect');
      await delay(observeMs);
      expect(attempts).toBe(2);
      expect(denied).toBe(1);
      expect(client.provider.status).toBe('disconnected');
    });
  }

  it('connects again when the application calls connect() after fixing its token', async () => {
    await start();
    grants.set('alice', 'read');
    let token = 'garbage';
    const client = connectClient(running.url, 'doc', { ...eager, token: () => token });
    clients.push(client);
    await waitFor(() => attempts === 1 && client.provider.status === 'disconnected', 'refused');
    token = 'user:alice';
    client.provider.connect();
    await client.provider.whenSynced();
    expect(client.provider.access).toBe('read');
    expect(attempts).toBe(2);
  });
});
