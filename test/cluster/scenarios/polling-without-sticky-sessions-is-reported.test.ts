import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../helpers/wait-for.js';
import { metric, scrape } from '../../helpers/ops/prometheus.js';
import { ClusterHarness } from '../../helpers/cluster/cluster.js';
import { WorkloadClient, prng } from '../../helpers/cluster/workload.js';
import { runFull } from './scenario-config.js';

describe.skipIf(!runFull)('a long-polling client behind a load balancer without sticky sessions', () => {
  let harness: ClusterHarness;

  beforeAll(async () => {
    harness = await ClusterHarness.start({ routing: 'round-robin' });
  }, 120_000);

  afterAll(async () => {
    await harness?.close();
  });

  it('makes the nodes log the cause and count it, instead of failing silently', async () => {
    const client = new WorkloadClient('poller', harness.url, ['sticky-check'], true, prng(1407));
    try {
      const unknownSessions = async () => {
        let sum = 0;
        for (const node of harness.nodes) sum += metric(await scrape(node!.url), 'quire_unknown_session_requests_total');
        return sum;
      };
      await waitFor(async () => (await unknownSessions()) > 0, 'a request for an unknown session', 30_000, 200);
      const logs = harness.nodes.map((node) => node!.stdout).join('\n');
      expect(logs).toContain('must use sticky sessions for long-polling');
    } finally {
      client.destroy();
    }
  });
});
