import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { converged } from '../helpers/convergence.js';
import { type TestClient, connectSynced, destroyClients } from '../helpers/clients.js';
import { waitFor } from '../helpers/wait-for.js';
import { type InProcessCluster, startInProcessCluster } from '../helpers/cluster/in-process-nodes.js';
import { postgresReachable, redisReachable } from '../helpers/cluster/services.js';

describe.skipIf(!postgresReachable || !redisReachable)('a document open on several nodes', () => {
  let cluster: InProcessCluster;
  let clients: TestClient[] = [];

  beforeEach(async () => {
    cluster = await startInProcessCluster(3);
  });

  afterEach(async () => {
    destroyClients(clients);
    clients = [];
    await cluster.close();
  });

  it("delivers every client's edits to the clients of every other node, and stores them once", async () => {
    clients = await Promise.all(cluster.nodes.map((node) => connectSynced(node.url, 'shared-notes')));
    clients.forEach((client, i) => client.doc.getText('t').insert(0, `from node ${i + 1}. `));
    await waitFor(
      () => converged(clients.map((c) => c.doc)) && clients[0]!.doc.getText('t').length > 30,
      'clients on all nodes to converge',
    );
    for (const i of [1, 2, 3]) expect(clients[0]!.doc.getText('t').toString()).toContain(`from node ${i}.`);
    // Each edit was committed by the node that received it and only relayed by the others.
    await waitFor(
      async () => (await cluster.nodes[0]!.server.store.list()).some((info) => info.name === 'shared-notes'),
      'the document to be stored',
    );
    const stored = await cluster.nodes[0]!.server.store.load('shared-notes');
    expect(stored.length).toBeLessThanOrEqual(3 + 3); // one upload per client handshake at most, plus one per edit
  });

  it('carries presence between nodes', async () => {
    clients = await Promise.all(cluster.nodes.slice(0, 2).map((node) => connectSynced(node.url, 'presence')));
    clients[0]!.provider.awareness.setLocalStateField('user', { name: 'Ada' });
    const ada = clients[0]!.doc.clientID;
    await waitFor(
      () => (clients[1]!.provider.awareness.getStates().get(ada) as { user?: { name: string } } | undefined)?.user?.name === 'Ada',
      'presence on the other node',
    );
    clients[0]!.provider.destroy();
    await waitFor(() => !clients[1]!.provider.awareness.getStates().has(ada), 'presence removed when its client left');
  });
});
