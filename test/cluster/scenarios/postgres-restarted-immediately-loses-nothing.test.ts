import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { delay, waitFor } from '../../helpers/wait-for.js';
import { ClusterHarness } from '../../helpers/cluster/cluster.js';
import { acknowledgedSoFar, expectStoredSince, quiesceAndVerify } from '../../helpers/cluster/checks.js';
import { createWorkload, prng } from '../../helpers/cluster/workload.js';
import { SCENARIO_TIMEOUT_MS, rounds, runFull, typingMs, workloadSize } from './scenario-config.js';

const total = (acks: Map<string, Uint8Array[]>) => [...acks.values()].reduce((sum, list) => sum + list.length, 0);

describe.skipIf(!runFull)('PostgreSQL stopped with -m immediate and restarted while clients type', () => {
  let harness: ClusterHarness;

  beforeAll(async () => {
    harness = await ClusterHarness.start();
  }, 120_000);

  afterAll(async () => {
    await harness?.close();
  });

  it('pauses acknowledgements, resumes them, and loses nothing acknowledged', async () => {
    const seed = 1406;
    const random = prng(seed);
    const workload = createWorkload(harness.url, { seed, ...workloadSize });
    try {
      await Promise.all(workload.clients.map((client) => client.whenSynced()));
      workload.start();
      for (let round = 0; round < rounds; round++) {
        await delay(typingMs * (0.5 + random()));
        await harness.postgres.stopImmediately();
        const before = acknowledgedSoFar(workload);
        await delay(2000);
        await harness.postgres.startServer();
        await expectStoredSince(harness, before);
        await waitFor(() => total(acknowledgedSoFar(workload)) > total(before), 'acknowledgements to resume', 60_000, 100);
      }
      const result = await quiesceAndVerify(harness, workload, 120_000);
      expect(result.updates).toBeGreaterThan(50);
    } finally {
      workload.clients.forEach((client) => client.destroy());
    }
  }, SCENARIO_TIMEOUT_MS);
});
