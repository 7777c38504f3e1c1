import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { MemoryOfflineStore, QuireProvider } from '../../client/index.js';
import { type TestClient, connectSynced, destroyClients } from '../helpers/clients.js';
import { waitFor } from '../helpers/wait-for.js';
import { type InProcessCluster, startInProcessCluster } from '../helpers/cluster/in-process-nodes.js';
import { postgresReachable, redisReachable } from '../helpers/cluster/services.js';

describe.skipIf(!postgresReachable || !redisReachable)('a client that went offline on one node and returns through another', () => {
  let cluster: InProcessCluster;
  let observers: TestClient[] = [];

  beforeEach(async () => {
    cluster = await startInProcessCluster(2);
  });

  afterEach(async () => {
    destroyClients(observers);
    observers = [];
    await cluster.close();
  });

  it('has its offline edits acknowledged there and seen by the clients of the first node', async () => {
    const offline = new MemoryOfflineStore();
    const doc = new Y.Doc();
    const first = new QuireProvider(cluster.nodes[0]!.url, 'travelling', doc, { offline });
    await first.whenSynced();
    observers = [await connectSynced(cluster.nodes[0]!.url, 'travelling')];
    doc.getText('t').insert(0, 'online. ');
    await waitFor(() => first.pendingCount === 0, 'the online edit acknowledged');
    first.disconnect();
    doc.getText('t').insert(0, 'written offline. ');
    expect(first.pendingCount).toBe(1);
    await first.whenStored();
    first.destroy();

    // A reload on another network: same offline store, the load balancer picks the other node.
    const reloaded = new Y.Doc();
    const second = new QuireProvider(cluster.nodes[1]!.url, 'travelling', reloaded, { offline });
    await second.whenSynced();
    await waitFor(() => second.pendingCount === 0, 'the offline edit acknowledged by the second node');
    await waitFor(() => observers[0]!.doc.getText('t').toString() === 'written offline. online. ', "the first node's client to see it");
    second.destroy();
    reloaded.destroy();
    doc.destroy();
  });
});
