import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { delay } from '../../helpers/wait-for.js';
import { metric, scrape } from '../../helpers/ops/prometheus.js';
import { ClusterHarness } from '../../helpers/cluster/cluster.js';
import { quiesceAndVerify } from '../../helpers/cluster/checks.js';
import { createWorkload } from '../../helpers/cluster/workload.js';
import { SCENARIO_TIMEOUT_MS, runShort, typingMs, workloadSize } from './scenario-config.js';

describe.skipIf(!runShort)('three nodes without faults', () => {
  let harness: ClusterHarness;

  beforeAll(async () => {
    harness = await ClusterHarness.start();
  }, 120_000);

  afterAll(async () => {
    await harness?.close();
  });

  it('converge on every client and node, and PostgreSQL holds every acknowledged update without holes', async () => {
    const workload = createWorkload(harness.url, { seed: 1401, ...workloadSize });
    try {
      await Promise.all(workload.clients.map((client) => client.whenSynced()));
      workload.start();
      await delay(typingMs * 2);
      // The proxy spread the clients: every node serves some, and relays what the others commit.
      for (const node of harness.nodes) {
        const values = await scrape(node!.url);
        expect(metric(values, 'quire_client_connections')).toBeGreaterThan(0);
        expect(metric(values, 'quire_bus_connected')).toBe(1);
      }
      const result = await quiesceAndVerify(harness, workload);
      expect(result.updates).toBeGreaterThan(50);
    } finally {
      workload.clients.forEach((client) => client.destroy());
    }
  }, SCENARIO_TIMEOUT_MS);
});
