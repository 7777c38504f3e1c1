import { expect } from 'vitest';
import { delay, waitFor } from '../../helpers/wait-for.js';
import { acknowledgedSoFar, expectStoredSince, quiesceAndVerify } from '../../helpers/cluster/checks.js';
import { rounds, runFull, typingMs } from './scenario-config.js';
import { describeCluster, itWhileTyping } from './cluster-scenario.js';

const total = (acks: Map<string, Uint8Array[]>) => [...acks.values()].reduce((sum, list) => sum + list.length, 0);

describeCluster('PostgreSQL stopped with -m immediate and restarted while clients type', runFull, {}, (cluster) => {
  itWhileTyping(
    'pauses acknowledgements, resumes them, and loses nothing acknowledged',
    1406,
    cluster,
    async ({ harness, workload, random }) => {
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
    },
  );
});
