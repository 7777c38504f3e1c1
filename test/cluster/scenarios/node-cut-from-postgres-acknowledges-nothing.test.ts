import { expect } from 'vitest';
import { delay, waitFor } from '../../helpers/wait-for.js';
import { metric, scrape } from '../../helpers/ops/prometheus.js';
import { acknowledgedSoFar, expectStoredSince, quiesceAndVerify } from '../../helpers/cluster/checks.js';
import { runFull } from './scenario-config.js';
import { describeCluster, itWhileTyping } from './cluster-scenario.js';

describeCluster('one node cut from PostgreSQL for 15 s', runFull, {}, (cluster) => {
  itWhileTyping(
    'acknowledges nothing and fails /readyz while cut, loses nothing acknowledged, and converges after',
    1405,
    cluster,
    async ({ harness, workload }) => {
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
    },
  );
});
