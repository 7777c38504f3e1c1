/**
 * The frame every cluster scenario shares: a whole cluster (private PostgreSQL and Redis, three
 * node processes behind fault proxies, the sticky proxy) for a describe block, and a seeded typing
 * workload, synced and typing, for each test, whose clients are destroyed however the test ends.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { ClusterHarness, type ClusterOptions } from '../../helpers/cluster/cluster.js';
import { type Workload, createWorkload, prng } from '../../helpers/cluster/workload.js';
import { SCENARIO_TIMEOUT_MS, workloadSize } from './scenario-config.js';

export interface TypingContext {
  harness: ClusterHarness;
  workload: Workload & { start(): void; stop(): void };
  /** Seeded like the workload: when and where faults strike. */
  random: () => number;
}

/** A describe block with a cluster started before its tests and closed after them. */
export function describeCluster(
  title: string,
  run: boolean,
  options: ClusterOptions,
  tests: (harness: () => ClusterHarness) => void,
): void {
  describe.skipIf(!run)(title, () => {
    let harness: ClusterHarness | undefined;
    beforeAll(async () => {
      harness = await ClusterHarness.start(options);
    }, 120_000);
    afterAll(async () => {
      await harness?.close();
    });
    tests(() => {
      if (harness === undefined) throw new Error('the cluster did not start');
      return harness;
    });
  });
}

/** A test whose clients are synced and typing when `body` starts. */
export function itWhileTyping(
  name: string,
  seed: number,
  harness: () => ClusterHarness,
  body: (context: TypingContext) => Promise<void>,
): void {
  it(
    name,
    async () => {
      const cluster = harness();
      const workload = createWorkload(cluster.url, { seed, ...workloadSize });
      try {
        await Promise.all(workload.clients.map((client) => client.whenSynced()));
        workload.start();
        await body({ harness: cluster, workload, random: prng(seed) });
      } finally {
        workload.clients.forEach((client) => client.destroy());
      }
    },
    SCENARIO_TIMEOUT_MS,
  );
}
