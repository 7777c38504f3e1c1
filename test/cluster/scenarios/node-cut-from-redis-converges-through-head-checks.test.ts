import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { delay, waitFor } from '../../helpers/wait-for.js';
import { metric, scrape } from '../../helpers/ops/prometheus.js';
import { ClusterHarness } from '../../helpers/cluster/cluster.js';
import { quiesceAndVerify } from '../../helpers/cluster/checks.js';
import { createWorkload } from '../../helpers/cluster/workload.js';
import { SCENARIO_TIMEOUT_MS, runFull, workloadSize } from './scenario-config.js';

describe.skipIf(!runFull)('one node cut from Redis for 15 s', () => {
  let harness: ClusterHarness;

  beforeAll(async () => {
    harness = await ClusterHarness.start();
  }, 120_000);

  afterAll(async () => {
    await harness?.close();
  });

  it('keeps committing, and every replica converges through the periodic head checks while the cut lasts', async () => {
    const workload = createWorkload(harness.url, { seed: 1404, ...workloadSize });
    try {
      await Promise.all(workload.clients.map((client) => client.whenSynced()));
      workload.start();
      await delay(2000);
      const acksBefore = metric(await scrape(harness.node(0).url), 'quire_update_ack_duration_seconds_count');
      harness.redisLinks[0]!.set('blackhole');
      await delay(15_000);
      expect(metric(await scrape(harness.node(0).url), 'quire_update_ack_duration_seconds_count')).toBeGreaterThan(acksBefore);
      // Still cut: convergence cannot come from the bus.
      await quiesceAndVerify(harness, workload);
      const repaired = await Promise.all(harness.nodes.map(async (node) => metric(await scrape(node!.url), 'quire_cluster_gaps_repaired_total')));
      expect(repaired.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
      harness.redisLinks[0]!.set('pass');
      await waitFor(async () => metric(await scrape(harness.node(0).url), 'quire_bus_connected') === 1, 'the bus back on node 1');
    } finally {
      workload.clients.forEach((client) => client.destroy());
    }
  }, SCENARIO_TIMEOUT_MS);
});
