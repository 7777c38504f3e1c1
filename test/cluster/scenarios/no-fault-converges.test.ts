import { expect } from 'vitest';
import { delay } from '../../helpers/wait-for.js';
import { metric, scrape } from '../../helpers/ops/prometheus.js';
import { quiesceAndVerify } from '../../helpers/cluster/checks.js';
import { runShort, typingMs } from './scenario-config.js';
import { describeCluster, itWhileTyping } from './cluster-scenario.js';

describeCluster('three nodes without faults', runShort, {}, (cluster) => {
  itWhileTyping(
    'converge on every client and node, and PostgreSQL holds every acknowledged update without holes',
    1401,
    cluster,
    async ({ harness, workload }) => {
      await delay(typingMs * 2);
      // The proxy spread the clients: every node serves some, and relays what the others commit.
      for (const node of harness.nodes) {
        const values = await scrape(node!.url);
        expect(metric(values, 'quire_client_connections')).toBeGreaterThan(0);
        expect(metric(values, 'quire_bus_connected')).toBe(1);
      }
      const result = await quiesceAndVerify(harness, workload);
      expect(result.updates).toBeGreaterThan(50);
    },
  );
});
