import { expect, it } from 'vitest';
import { waitFor } from '../../helpers/wait-for.js';
import { metric, scrape } from '../../helpers/ops/prometheus.js';
import { WorkloadClient, prng } from '../../helpers/cluster/workload.js';
import { describeCluster } from './cluster-scenario.js';
import { runFull } from './scenario-config.js';

describeCluster('a long-polling client behind a load balancer without sticky sessions', runFull, { routing: 'round-robin' }, (cluster) => {
  it('makes the nodes log the cause and count it, instead of failing silently', async () => {
    const harness = cluster();
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
