/**
 * A node's Redis link goes silent (a partition: no reset, no error, the connection stays open)
 * for longer than the heartbeats' life. The other nodes rightly drop its clients' presence. When
 * the link heals there is no reconnect to tell the node so, yet its clients' presence must return
 * to the others within seconds, not when those clients next renew it (15 s) or move.
 */
import { startFaultyBusNodes } from '../helpers/cluster/faulty-bus-nodes.js';
import { afterEach, describe, it } from 'vitest';
import { type TestClient, connectSynced, destroyClients } from '../helpers/clients.js';
import { postgresReachable, redisReachable } from '../helpers/cluster/services.js';
import { waitFor } from '../helpers/wait-for.js';

describe.skipIf(!postgresReachable || !redisReachable)('presence after a silent Redis partition of one node', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  it('returns to the other nodes within seconds once the link heals', async () => {
    const { nodes, link } = await startFaultyBusNodes(cleanup, 'silent_cut', [
      { id: 'node-1', behindProxy: true },
      { id: 'node-2', behindProxy: false },
    ]);
    const clients: TestClient[] = [];
    cleanup.push(() => destroyClients(clients));

    const watcher = await connectSynced(nodes[1]!.url, 'doc');
    const ada = await connectSynced(nodes[0]!.url, 'doc');
    clients.push(watcher, ada);
    ada.provider.awareness.setLocalState({ user: 'ada' });
    const seesAda = () => watcher.provider.awareness.getStates().has(ada.doc.clientID);
    await waitFor(seesAda, 'the watcher sees Ada');

    link.set('blackhole');
    await waitFor(() => !seesAda(), "Ada's presence dropped while her node is silent", 10_000, 50);
    link.set('pass');
    await waitFor(seesAda, 'Ada back on the other node once the link heals', 4_000, 50);
    // And what she does next is taken too, not mistaken for what the other node already has.
    ada.provider.awareness.setLocalState({ user: 'ada', cursor: 1 });
    await waitFor(() => watcher.provider.awareness.getStates().get(ada.doc.clientID)?.cursor === 1, "Ada's next move", 2_000, 20);
    ada.provider.awareness.setLocalState({ user: 'ada', cursor: 2 });
    await waitFor(() => watcher.provider.awareness.getStates().get(ada.doc.clientID)?.cursor === 2, "Ada's move after", 2_000, 20);
  }, 40_000);
});
