/** Every workload, in the order `npm run bench` runs them. */
import type { Workload } from './types.js';
import { fanout } from './fanout.js';

export const WORKLOADS: readonly Workload[] = [fanout];
