import { expect } from 'vitest';
import { delay, waitFor } from '../../helpers/wait-for.js';
import { metric, scrape } from '../../helpers/ops/prometheus.js';
import { quiesceAndVerify } from '../../helpers/cluster/checks.js';
import { runFull } from './scenario-config.js';
import { describeCluster, itWhileTyping } from './cluster-scenario.js';

describeCluster('one node cut from Redis for 15 s', runFull, {}, (cluster) => {
  itWhileTyping(
    'keeps committing, and every replica converges through the periodic head checks while the cut lasts',
    1404,
    cluster,
    async ({ harness, workload }) => {
      await delay(2000);
      const acksBefore = metric(await scrape(harness.node(0).url), 'quire_update_ack_duration_seconds_count');
      harness.redisLinks[0]!.set('blackhole');
      await delay(15_000);
      expect(metric(await scrape(harness.node(0).url), 'quire_update_ack_duration_seconds_count')).toBeGreaterThan(acksBefore);
      // Still cut: convergence cannot come from the bus.
      await quiesceAndVerify(harness, workload);
      const repaired = await Promise.all(
        harness.nodes.map(async (node) => metric(await scrape(node!.url), 'quire_cluster_gaps_repaired_total')),
      );
      expect(repaired.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
      harness.redisLinks[0]!.set('pass');
      await waitFor(async () => metric(await scrape(harness.node(0).url), 'quire_bus_connected') === 1, 'the bus back on node 1');
    },
  );
});
