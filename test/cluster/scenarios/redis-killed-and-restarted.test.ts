import { expect } from 'vitest';
import { delay, waitFor } from '../../helpers/wait-for.js';
import { acknowledgedSoFar, quiesceAndVerify } from '../../helpers/cluster/checks.js';
import { fullMatrix, rounds, runShort, typingMs } from './scenario-config.js';
import { describeCluster, itWhileTyping } from './cluster-scenario.js';

const totalAcknowledged = (acks: Map<string, Uint8Array[]>) => [...acks.values()].reduce((sum, list) => sum + list.length, 0);

describeCluster('Redis killed and restarted while clients type', runShort, {}, (cluster) => {
  itWhileTyping(
    'keeps acknowledging (PostgreSQL is the commit point), and every replica converges once it returns',
    1403,
    cluster,
    async ({ harness, workload, random }) => {
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
    },
  );
});
