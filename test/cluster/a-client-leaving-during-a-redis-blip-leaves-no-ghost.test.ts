/**
 * A client leaves while its node is cut from Redis for a moment, too short for the other nodes to
 * take that node for dead: the removal of its presence is never published. Once the node is back
 * on Redis, the others must drop the client's cursor within seconds, not keep it until the 30 s
 * awareness timeout.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, it } from 'vitest';
import { type TestClient, connectSynced, destroyClients } from '../helpers/clients.js';
import { FaultProxy } from '../helpers/cluster/fault-proxy.js';
import { REDIS_URL, dropSchema, postgresReachable, postgresUrlFor, redisReachable, uniqueSchema } from '../helpers/cluster/services.js';
import { type TestService, startTestService } from '../helpers/ops/service.js';
import { delay, waitFor } from '../helpers/wait-for.js';

describe.skipIf(!postgresReachable || !redisReachable)('a client leaving during a Redis blip of its node', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  it('leaves no ghost on the other nodes once the node is back on Redis', async () => {
    const schema = uniqueSchema('blip_ghost');
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
