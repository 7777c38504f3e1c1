import { expect, it } from 'vitest';
import { type TestClient, connectSynced, destroyClients } from '../../helpers/clients.js';
import { delay, waitFor } from '../../helpers/wait-for.js';
import { metric, scrape } from '../../helpers/ops/prometheus.js';
import type { ClusterHarness } from '../../helpers/cluster/cluster.js';
import { describeCluster } from './cluster-scenario.js';
import { runShort } from './scenario-config.js';

/** Ada on node 1, watchers on nodes 2 and 3, everyone seeing Ada. */
async function presence(harness: ClusterHarness, docName: string): Promise<{ ada: TestClient; watchers: TestClient[] }> {
  const ada = await connectSynced(harness.node(0).url, docName);
  const watchers = await Promise.all([1, 2].map((i) => connectSynced(harness.node(i).url, docName)));
  ada.provider.awareness.setLocalStateField('user', { name: 'Ada' });
  for (const watcher of watchers)
    await waitFor(() => watcher.provider.awareness.getStates().has(ada.doc.clientID), 'Ada seen on every node');
  return { ada, watchers };
}

const peersGone = async (harness: ClusterHarness) => {
  let sum = 0;
  for (const node of harness.nodes) sum += metric(await scrape(node!.url), 'quire_cluster_peers_gone_total');
  return sum;
};

describeCluster('presence across nodes while Redis fails', runShort, {}, (cluster) => {
  it("survives a Redis restart: no live node is taken for dead, nobody's presence flickers", async () => {
    const harness = cluster();
    const { ada, watchers } = await presence(harness, 'presence-restart');
    let vanished = false;
    const watch = setInterval(() => {
      if (watchers.some((w) => !w.provider.awareness.getStates().has(ada.doc.clientID))) vanished = true;
    }, 20);
    try {
      await harness.redis.kill();
      await delay(4000); // past the heartbeats' time to live
      await harness.redis.startServer();
      await waitFor(
        async () => {
          for (const node of harness.nodes) if (metric(await scrape(node!.url), 'quire_bus_connected') !== 1) return false;
          return true;
        },
        'every node back on Redis',
        30_000,
        200,
      );
      await delay(6000); // long enough for a wrong verdict: two missed checks and more
      expect(vanished).toBe(false);
      expect(await peersGone(harness)).toBe(0);
    } finally {
      clearInterval(watch);
      destroyClients([ada, ...watchers]);
    }
  }, 90_000);

  it('drops the presence of a node cut from Redis at once, and shows it again once the cut heals', async () => {
    const harness = cluster();
    const { ada, watchers } = await presence(harness, 'presence-cut');
    try {
      harness.redisLinks[0]!.set('blackhole');
      // Node 1 can tell nobody about Ada any more: the others stop trusting what they hold of it.
      for (const watcher of watchers)
        await waitFor(() => !watcher.provider.awareness.getStates().has(ada.doc.clientID), 'Ada dropped while her node is cut', 15_000, 50);
      expect(await peersGone(harness)).toBeGreaterThan(0);
      harness.redisLinks[0]!.set('pass');
      for (const watcher of watchers)
        await waitFor(() => watcher.provider.awareness.getStates().has(ada.doc.clientID), 'Ada back once her node reconnects', 30_000, 50);
    } finally {
      destroyClients([ada, ...watchers]);
    }
  }, 90_000);
});
