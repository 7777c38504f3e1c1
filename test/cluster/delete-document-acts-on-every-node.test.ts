import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type TestClient, connectSynced, destroyClients } from '../helpers/clients.js';
import { waitFor } from '../helpers/wait-for.js';
import { type InProcessCluster, startInProcessCluster } from '../helpers/cluster/in-process-nodes.js';
import { postgresReachable, redisReachable } from '../helpers/cluster/services.js';

describe.skipIf(!postgresReachable || !redisReachable)('deleting a document that another node holds in memory', () => {
  let cluster: InProcessCluster;
  let clients: TestClient[] = [];

  beforeEach(async () => {
    // Long grace: the second node keeps the document loaded after its client left.
    cluster = await startInProcessCluster(2, ['--unload-grace-ms', '60000']);
  });

  afterEach(async () => {
    destroyClients(clients);
    clients = [];
    await cluster.close();
  });

  it('drops that copy too, so the next client there starts from the empty document', async () => {
    const [first, second] = cluster.nodes as [(typeof cluster.nodes)[0], (typeof cluster.nodes)[0]];
    const writer = await connectSynced(first.url, 'to-delete');
    writer.doc.getText('t').insert(0, 'secret');
    const reader = await connectSynced(second.url, 'to-delete');
    await waitFor(() => reader.doc.getText('t').toString() === 'secret', 'the reader on the second node to see it');
    await waitFor(() => writer.provider.pendingCount === 0, 'the edit acknowledged');
    destroyClients([writer, reader]);
    expect(second.server.registry.isLoaded('to-delete')).toBe(true);

    expect(await first.server.deleteDocument('to-delete')).toBe(true);
    await waitFor(() => !second.server.registry.isLoaded('to-delete'), 'the second node to drop its copy');
    const newcomer = await connectSynced(second.url, 'to-delete');
    clients = [newcomer];
    expect(newcomer.doc.getText('t').toString()).toBe('');
  });
});
