import { afterEach, describe, expect, it } from 'vitest';
import type { HandshakeInfo } from '../../server/index.js';
import { type TestClient, connectClient, connectSynced, destroyClients } from '../helpers/clients.js';
import { converged } from '../helpers/convergence.js';
import { type RunningServer, startServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait-for.js';

describe('a client admitted while the last other client of its document leaves still gets every update', () => {
  let running: RunningServer;
  let clients: TestClient[] = [];

  afterEach(async () => {
    destroyClients(clients);
    clients = [];
    await running?.close();
  });

  it('converges with a later joiner although its namespace emptied while it was being admitted', async () => {
    let slowGate: Promise<void> | null = null;
    let slowInside = false;
    running = await startServer({
      // The "slow" client's authentication takes a while (a slow identity service).
      authenticate: async ({ token }: HandshakeInfo) => {
        if (token === 'slow' && slowGate !== null) {
          slowInside = true;
          await slowGate;
        }
        return token ?? 'anonymous';
      },
    });
    const leaver = await connectSynced(running.url, 'doc', { token: 'first' });
    let openGate = () => {};
    slowGate = new Promise((resolve) => (openGate = resolve));
    const slow = connectClient(running.url, 'doc', { token: 'slow' });
    clients.push(slow);
    await waitFor(() => slowInside, 'the slow client is inside authentication');
    const namespace = running.server.io._nsps.get('/doc/doc')!;
    destroyClients([leaver]);
    // Socket.io decides whether to drop the namespace as the leaver's socket is removed.
    await waitFor(() => namespace.sockets.size === 0, 'the leaver left');
    openGate();
    await slow.provider.whenSynced();
    // The slow client is in the namespace that broadcasts reach.
    expect(running.server.io._nsps.get('/doc/doc')!.sockets.size).toBe(1);
    const late = await connectSynced(running.url, 'doc', { token: 'late' });
    clients.push(late);
    slow.doc.getText('text').insert(0, 'from slow;');
    late.doc.getText('text').insert(0, 'from late;');
    await waitFor(() => converged([slow.doc, late.doc]), 'slow and late converge', 3_000);
    expect(slow.doc.getText('text').toString()).toContain('from late;');
  });
});
