import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { delay, waitFor } from '../../helpers/wait-for.js';
import { ClusterHarness } from '../../helpers/cluster/cluster.js';
import { acknowledgedSoFar, quiesceAndVerify } from '../../helpers/cluster/checks.js';
import { createWorkload, prng } from '../../helpers/cluster/workload.js';
import { SCENARIO_TIMEOUT_MS, fullMatrix, rounds, runShort, typingMs, workloadSize } from './scenario-config.js';

const totalAcknowledged = (acks: Map<string, Uint8Array[]>) => [...acks.values()].reduce((sum, list) => sum + list.length, 0);

describe.skipIf(!runShort)('Redis killed and restarted while clients type', () => {
  let harness: ClusterHarness;

  beforeAll(async () => {
    harness = await ClusterHarness.start();
  }, 120_000);

  afterAll(async () => {
    await harness?.close();
  });

  it('keeps acknowledging (PostgreSQL is the commit point), and every replica converges once it returns', async () => {
    const seed = 1403;
    const random = prng(seed);
    const workload = createWorkload(harness.url, { seed, ...workloadSize });
    try {
      await Promise.all(workload.clients.map((client) => client.whenSynced()));
      workload.start();
      for (let round = 0; round < rounds; round++) {
        await delay(typingMs * (0.5 + random()));
        await harness.redis.kill();
        const before = totalAcknowledged(acknowledgedSoFar(workload));
        await waitFor(() => totalAcknowledged(acknowledgedSoFar(workload)) > before + 10, 'acknowledgements while Redis is down', 30_000);
        // The full matrix keeps Redis down for 20 s once: long past every reconnect backoff.
        await delay(fullMatrix && round === 0 ? 20_000 : typingMs * (0.5 + random()));
        await harness.redis.startServer();
      }
      const result = await quiesceAndVerify(harness, workload);
      expect(result.updates).toBeGreaterThan(50);
    } finally {
      workload.clients.forEach((client) => client.destroy());
    }
  }, SCENARIO_TIMEOUT_MS);
});
