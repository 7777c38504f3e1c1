import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { delay, waitFor } from '../../helpers/wait-for.js';
import { metric, scrape } from '../../helpers/ops/prometheus.js';
import { ClusterHarness } from '../../helpers/cluster/cluster.js';
import { acknowledgedSoFar, expectStoredSince, quiesceAndVerify } from '../../helpers/cluster/checks.js';
import { createWorkload } from '../../helpers/cluster/workload.js';
import { SCENARIO_TIMEOUT_MS, runFull, workloadSize } from './scenario-config.js';

describe.skipIf(!runFull)('one node cut from PostgreSQL for 15 s', () => {
  let harness: ClusterHarness;

  beforeAll(async () => {
    harness = await ClusterHarness.start();
  }, 120_000);

  afterAll(async () => {
    await harness?.close();
  });

  it('acknowledges nothing and fails /readyz while cut, loses nothing acknowledged, and converges after', async () => {
    const workload = createWorkload(harness.url, { seed: 1405, ...workloadSize });
    try {
      await Promise.all(workload.clients.map((client) => client.whenSynced()));
      workload.start();
      await delay(2000);
      const before = acknowledgedSoFar(workload);
      harness.postgresLinks[0]!.set('blackhole');
      await waitFor(async () => (await harness.readyz(0)).status === 503, '/readyz to fail on the cut node', 15_000, 200);
      expect((await harness.readyz(0)).body).toMatchObject({ ready: false, store: 'unavailable' });
      // Whatever was in flight when the link broke has timed out or is still waiting; from now on
      // nothing more is acknowledged there.
      const acks = async () => metric(await scrape(harness.node(0).url), 'quire_update_ack_duration_seconds_count');
      const acksWhileCut = await acks();
      await delay(15_000);
      expect(await acks()).toBe(acksWhileCut);
      expect((await harness.readyz(1)).status).toBe(200);
      harness.postgresLinks[0]!.set('pass');
      await waitFor(async () => (await harness.readyz(0)).status === 200, '/readyz to recover', 30_000, 200);
      await expectStoredSince(harness, before);
      await quiesceAndVerify(harness, workload, 120_000);
    } finally {
      workload.clients.forEach((client) => client.destroy());
    }
  }, SCENARIO_TIMEOUT_MS);
});
