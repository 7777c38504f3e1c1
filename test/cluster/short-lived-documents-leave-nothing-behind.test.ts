import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isOwnersDocumentName } from '../../server/core/client-id-owners.js';
import { type TestClient, connectSynced, destroyClients } from '../helpers/clients.js';
import { waitFor } from '../helpers/wait-for.js';
import { metric, scrape } from '../helpers/ops/prometheus.js';
import { type InProcessCluster, startInProcessCluster } from '../helpers/cluster/in-process-nodes.js';
import { REDIS_URL, postgresReachable, redisReachable } from '../helpers/cluster/services.js';

const DOCUMENTS = process.env.QUIRE_CLUSTER_FULL === '1' ? 1000 : 200;

describe.skipIf(!postgresReachable || !redisReachable)(`${DOCUMENTS} short-lived documents on two nodes`, () => {
  let cluster: InProcessCluster;

  beforeEach(async () => {
    cluster = await startInProcessCluster(2);
  });

  afterEach(async () => {
    await cluster.close();
  });

  it('leave no subscription, loaded document, namespace or handle behind once unloaded', async () => {
    const { Redis } = await import('ioredis');
    const redis = new Redis(REDIS_URL);
    const channels = async () => (await redis.pubsub('CHANNELS', `${cluster.busPrefix}:*`)) as string[];
    const handlesBefore = process.getActiveResourcesInfo().length;
    try {
      for (let batch = 0; batch < DOCUMENTS; batch += 20) {
        const clients: TestClient[] = await Promise.all(
          Array.from({ length: 20 }, (_, i) => connectSynced(cluster.nodes[i % 2]!.url, `short-${batch + i}`)),
        );
        clients.forEach((client, i) => client.doc.getText('t').insert(0, `doc ${batch + i}`));
        await waitFor(() => clients.every((client) => client.provider.pendingCount === 0), 'edits acknowledged');
        destroyClients(clients);
      }
      // --unload-grace-ms 50 in the test service: everything unloads soon after its last client left.
      await waitFor(async () => (await channels()).length === 0, 'every document channel unsubscribed', 20_000, 100);
      for (const node of cluster.nodes) {
        await waitFor(async () => metric(await scrape(node.url), 'quire_documents_open') === 0, 'every document unloaded', 20_000, 100);
        expect([...node.server.io._nsps.keys()].filter((name) => name.startsWith('/doc/'))).toEqual([]);
      }
      expect((await cluster.nodes[0]!.server.store.list()).filter((info) => !isOwnersDocumentName(info.name)).length).toBe(DOCUMENTS);
      await waitFor(
        () => process.getActiveResourcesInfo().length <= handlesBefore + 5,
        'timers and sockets back near the baseline',
        10_000,
        100,
      );
    } finally {
      redis.disconnect();
    }
  }, 120_000);
});
