/**
 * Metrics of a cluster node, registered on the server's metrics registry only when the node runs
 * in a cluster (listed in docs/SCALING.md and docs/OPERATING.md).
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { ClusterObserver } from './cluster-observer.js';

const LAG_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export function clusterMetrics(registry: Registry, sources: { busConnected: () => boolean; canCommit: () => boolean }): ClusterObserver {
  const lag = new Histogram({
    name: 'quire_bus_lag_seconds',
    help: 'Time from another node publishing a bus message to this node receiving it.',
    labelNames: ['kind'],
    buckets: LAG_BUCKETS,
    registers: [registry],
  });
  const catchUps = new Counter({
    name: 'quire_cluster_catchups_total',
    help: 'Catch-up reads from the store, by reason (gap, head-check, reconnect).',
    labelNames: ['reason'],
    registers: [registry],
  });
  const repaired = new Counter({
    name: 'quire_cluster_gaps_repaired_total',
    help: 'Committed rows this node got from a catch-up read because the bus lost them.',
    registers: [registry],
  });
  const peersGone = new Counter({
    name: 'quire_cluster_peers_gone_total',
    help: "Other nodes found dead (heartbeat expired) while this node held their clients' presence.",
    registers: [registry],
  });
  const failures = new Counter({
    name: 'quire_cluster_repair_failures_total',
    help: 'Catch-up reads and head checks that failed (the store was unreachable).',
    registers: [registry],
  });
  new Gauge({
    name: 'quire_bus_connected',
    help: '1 while the document bus (Redis) is connected.',
    registers: [registry],
    collect() {
      this.set(sources.busConnected() ? 1 : 0);
    },
  });
  new Gauge({
    name: 'quire_store_can_commit',
    help: '1 while the shared store accepts commits from this node (/readyz fails otherwise).',
    registers: [registry],
    collect() {
      this.set(sources.canCommit() ? 1 : 0);
    },
  });
  return {
    busMessage: ({ kind, lagMs }) => lag.observe({ kind }, lagMs / 1000),
    catchUp: ({ reason, repairedRows }) => {
      catchUps.inc({ reason });
      if (repairedRows > 0) repaired.inc(repairedRows);
    },
    repairFailed: () => failures.inc(),
    peerGone: () => peersGone.inc(),
  };
}
