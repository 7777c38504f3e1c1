import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { delay, waitFor } from '../../helpers/wait-for.js';
import { ClusterHarness } from '../../helpers/cluster/cluster.js';
import { acknowledgedSoFar, expectStoredSince, quiesceAndVerify } from '../../helpers/cluster/checks.js';
import { createWorkload, prng } from '../../helpers/cluster/workload.js';
import { SCENARIO_TIMEOUT_MS, rounds, runShort, typingMs, workloadSize } from './scenario-config.js';

describe.skipIf(!runShort)('a node killed with SIGKILL while its clients type', () => {
  let harness: ClusterHarness;

  beforeAll(async () => {
    harness = await ClusterHarness.start();
  }, 120_000);

  afterAll(async () => {
    await harness?.close();
  });

  it('loses no acknowledged update; its clients move to other nodes, and their pending edits end acknowledged', async () => {
    const seed = 1402;
    const random = prng(seed);
    const workload = createWorkload(harness.url, { seed, ...workloadSize });
    try {
      await Promise.all(workload.clients.map((client) => client.whenSynced()));
      workload.start();
      for (let round = 0; round < rounds; round++) {
        await delay(typingMs * (0.5 + random()));
        const victim = Math.floor(random() * harness.nodes.length);
        const before = acknowledgedSoFar(workload);
        await harness.killNode(victim);
        await expectStoredSince(harness, before);
        // Typing goes on through the other nodes; the killed node's clients reconnect to them.
        await delay(typingMs * (0.5 + random()));
        const acknowledgedDuringOutage = acknowledgedSoFar(workload);
        await harness.startNode(victim);
        await expectStoredSince(harness, acknowledgedDuringOutage);
      }
      await waitFor(() => workload.clients.every((client) => client.documents.every((d) => d.provider.synced)), 'every client reconnected', 60_000);
      const result = await quiesceAndVerify(harness, workload);
      expect(result.updates).toBeGreaterThan(50);
    } finally {
      workload.clients.forEach((client) => client.destroy());
    }
  }, SCENARIO_TIMEOUT_MS);
});
