import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { converged } from '../helpers/convergence.js';
import { type TestClient, connectSynced, destroyClients } from '../helpers/clients.js';
import { waitFor } from '../helpers/wait-for.js';
import { metric, scrape } from '../helpers/ops/prometheus.js';
import { type InProcessCluster, startInProcessCluster } from '../helpers/cluster/in-process-nodes.js';
import { postgresReachable, redisReachable } from '../helpers/cluster/services.js';

describe.skipIf(!postgresReachable || !redisReachable)('thirty clients opening one stored document at once over three nodes', () => {
  let cluster: InProcessCluster;
  let clients: TestClient[] = [];

  beforeEach(async () => {
    cluster = await startInProcessCluster(3, ['--unload-grace-ms', '60000']);
  });

  afterEach(async () => {
    destroyClients(clients);
    clients = [];
    await cluster.close();
  });

  it('loads it once on each node, and every client gets the whole stored document', async () => {
    const seedDoc = new Y.Doc();
    seedDoc.getText('t').insert(0, 'stored before the storm '.repeat(200));
    await cluster.nodes[0]!.server.store.append('storm', Y.encodeStateAsUpdate(seedDoc));
    clients = await Promise.all(Array.from({ length: 30 }, (_, i) => connectSynced(cluster.nodes[i % 3]!.url, 'storm')));
    for (const client of clients) expect(client.doc.getText('t').toString()).toBe(seedDoc.getText('t').toString());
    for (const node of cluster.nodes) expect(metric(await scrape(node.url), 'quire_document_loads_total')).toBe(1);
    clients[7]!.doc.getText('t').insert(0, 'after. ');
    await waitFor(() => converged(clients.map((c) => c.doc)), 'all thirty clients to converge');
  });
});
