/**
 * A client leaves while its node is cut from Redis for a moment, too short for the other nodes to
 * take that node for dead: the removal of its presence is never published. Once the node is back
 * on Redis, the others must drop the client's cursor within seconds, not keep it until the 30 s
 * awareness timeout.
 */
import { startFaultyBusNodes } from '../helpers/cluster/faulty-bus-nodes.js';
import { afterEach, describe, it } from 'vitest';
import { type TestClient, connectSynced, destroyClients } from '../helpers/clients.js';
import { postgresReachable, redisReachable } from '../helpers/cluster/services.js';
import type { TestService } from '../helpers/ops/service.js';
import { delay, waitFor } from '../helpers/wait-for.js';

describe.skipIf(!postgresReachable || !redisReachable)('a client leaving during a Redis blip of its node', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  it('leaves no ghost on the other nodes once the node is back on Redis', async () => {
    const { nodes, link } = await startFaultyBusNodes(cleanup, 'blip_ghost', [
      { id: 'node-1', behindProxy: true },
      { id: 'node-2', behindProxy: false },
    ]);
    const [cut, other] = nodes as [TestService, TestService];
    const clients: TestClient[] = [];
    cleanup.push(() => destroyClients(clients));

    const watcher = await connectSynced(other.url, 'doc');
    clients.push(watcher);
    const leaver = await connectSynced(cut.url, 'doc');
    leaver.provider.awareness.setLocalState({ user: 'leaver' });
    const ghost = () => watcher.provider.awareness.getStates().has(leaver.doc.clientID);
    await waitFor(ghost, 'the watcher sees the leaver');

    link.set('reset');
    await delay(200);
    destroyClients([leaver]);
    await delay(800);
    link.set('pass');
    await waitFor(() => !ghost(), "the leaver's cursor gone from the other node", 6_000, 50);
  }, 30_000);
});
