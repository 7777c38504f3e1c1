/**
 * A node's Redis link goes silent (a partition: no reset, no error, the connection stays open)
 * for longer than the heartbeats' life. The other nodes rightly drop its clients' presence. When
 * the link heals there is no reconnect to tell the node so, yet its clients' presence must return
 * to the others within seconds, not when those clients next renew it (15 s) or move.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, it } from 'vitest';
import { type TestClient, connectSynced, destroyClients } from '../helpers/clients.js';
import { FaultProxy } from '../helpers/cluster/fault-proxy.js';
import { REDIS_URL, dropSchema, postgresReachable, postgresUrlFor, redisReachable, uniqueSchema } from '../helpers/cluster/services.js';
import { type TestService, startTestService } from '../helpers/ops/service.js';
import { waitFor } from '../helpers/wait-for.js';

describe.skipIf(!postgresReachable || !redisReachable)('presence after a silent Redis partition of one node', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  it('returns to the other nodes within seconds once the link heals', async () => {
    const schema = uniqueSchema('silent_cut');
    cleanup.push(() => dropSchema(schema));
    const busUrl = `${REDIS_URL}?prefix=quire-test-${randomBytes(4).toString('hex')}`;
    const link = await FaultProxy.start(Number(new URL(REDIS_URL).port));
    cleanup.push(() => link.close());
    const nodes: TestService[] = [];
    cleanup.push(() => Promise.all(nodes.map((node) => node.shutdown('test over'))).then(() => {}));
    const start = async (id: string, bus: string) =>
      nodes.push(await startTestService(['--store', postgresUrlFor(schema), '--bus', bus, '--node-id', id], 'leveldb'));
    await start('node-1', link.urlFor(busUrl));
    await start('node-2', busUrl);
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
