import { expect } from 'vitest';
import { delay, waitFor } from '../../helpers/wait-for.js';
import { acknowledgedSoFar, expectStoredSince, quiesceAndVerify } from '../../helpers/cluster/checks.js';
import { rounds, runShort, typingMs } from './scenario-config.js';
import { describeCluster, itWhileTyping } from './cluster-scenario.js';

describeCluster('a node killed with SIGKILL while its clients type', runShort, {}, (cluster) => {
  itWhileTyping(
    'loses no acknowledged update; its clients move to other nodes, and their pending edits end acknowledged',
    1402,
    cluster,
    async ({ harness, workload, random }) => {
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
      await waitFor(
        () => workload.clients.every((client) => client.documents.every((d) => d.provider.synced)),
        'every client reconnected',
        60_000,
      );
      const result = await quiesceAndVerify(harness, workload);
      expect(result.updates).toBeGreaterThan(50);
    },
  );
});
