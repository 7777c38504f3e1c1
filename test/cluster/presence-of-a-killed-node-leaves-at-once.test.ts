import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type TestClient, connectSynced, destroyClients } from '../helpers/clients.js';
import { waitFor } from '../helpers/wait-for.js';
import { type NodeProcesses, startNodeProcesses } from '../helpers/cluster/node-processes.js';
import { postgresReachable, redisReachable } from '../helpers/cluster/services.js';

/** Well under y-protocols' 30 s awareness timeout, which is what removed such states before. */
const PROMPTLY_MS = 10_000;

describe.skipIf(!postgresReachable || !redisReachable)('the presence of clients of a node killed with SIGKILL', () => {
  let cluster: NodeProcesses;
  let clients: TestClient[] = [];

  beforeEach(async () => {
    cluster = await startNodeProcesses(3);
  }, 60_000);

  afterEach(async () => {
    destroyClients(clients);
    clients = [];
    await cluster.close();
  });

  const presentOn = (client: TestClient, id: number) => client.provider.awareness.getStates().has(id);

  async function presenceFromFirstNode(): Promise<{ ada: TestClient; watchers: TestClient[] }> {
    const [first, second, third] = cluster.nodes as [(typeof cluster.nodes)[0], (typeof cluster.nodes)[0], (typeof cluster.nodes)[0]];
    const ada = await connectSynced(first.url, 'meeting');
    const grace = await connectSynced(first.url, 'meeting');
    const watchers = await Promise.all([second.url, third.url].map((url) => connectSynced(url, 'meeting')));
    clients.push(ada, grace, ...watchers);
    ada.provider.awareness.setLocalStateField('user', { name: 'Ada' });
    watchers[0]!.provider.awareness.setLocalStateField('user', { name: 'Bob' });
    for (const watcher of watchers) await waitFor(() => presentOn(watcher, ada.doc.clientID), "Ada's presence on the other nodes");
    return { ada, watchers };
  }

  it("leaves the other nodes' clients within seconds, and the survivors keep each other's", async () => {
    const { ada, watchers } = await presenceFromFirstNode();
    const bob = watchers[0]!.doc.clientID;
    await waitFor(() => presentOn(watchers[1]!, bob), "Bob's presence on the third node");
    const killedAt = Date.now();
    await cluster.nodes[0]!.stop('SIGKILL');
    for (const watcher of watchers) await waitFor(() => !presentOn(watcher, ada.doc.clientID), "Ada's presence gone", PROMPTLY_MS, 50);
    expect(Date.now() - killedAt).toBeLessThan(PROMPTLY_MS);
    // Only the dead node's clients went: a live node's presence stays.
    expect(presentOn(watchers[1]!, bob)).toBe(true);
  }, 60_000);

  it('leaves even when the node is restarted under the same id before anyone noticed', async () => {
    const { ada, watchers } = await presenceFromFirstNode();
    await cluster.nodes[0]!.stop('SIGKILL');
    await cluster.start('node-1');
    for (const watcher of watchers) await waitFor(() => !presentOn(watcher, ada.doc.clientID), "Ada's presence gone", PROMPTLY_MS, 50);
  }, 60_000);
});
