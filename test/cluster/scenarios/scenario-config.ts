/**
 * The cluster scenarios run short in `npm test` (where PostgreSQL's and Redis' binaries exist) and
 * long, with every scenario, in `npm run test:cluster` (QUIRE_CLUSTER_FULL=1).
 */
import { clusterHarnessAvailable } from '../../helpers/cluster/cluster.js';

export const fullMatrix = process.env.QUIRE_CLUSTER_FULL === '1';
if (!clusterHarnessAvailable && process.env.QUIRE_REQUIRE_SERVICES === '1') {
  throw new Error('the cluster tests need PostgreSQL (initdb, pg_ctl) and redis-server binaries');
}
export const runShort = clusterHarnessAvailable;
export const runFull = clusterHarnessAvailable && fullMatrix;

/** Rounds of a fault per scenario, and how long clients type between faults. */
export const rounds = fullMatrix ? 3 : 1;
export const typingMs = fullMatrix ? 4000 : 1500;
export const workloadSize = fullMatrix
  ? { clients: 18, documents: 6, perClient: 3, hz: [5, 50] as [number, number] }
  : { clients: 12, documents: 4, perClient: 2, hz: [5, 30] as [number, number] };
export const SCENARIO_TIMEOUT_MS = fullMatrix ? 600_000 : 180_000;
