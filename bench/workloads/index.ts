/** Every workload, in the order `npm run bench` runs them. */
import type { Workload } from './types.js';
import { fanout } from './fanout.js';
import { manyDocs } from './many-docs.js';
import { trace } from './trace.js';
import { crash } from './crash.js';
import { connectAll, connections } from './connections.js';
import { idle } from './idle.js';
import { joinStorm } from './join-storm.js';
import { restart } from './restart.js';
import { offline } from './offline.js';
import { presence } from './presence.js';

export const WORKLOADS: readonly Workload[] = [
  fanout,
  manyDocs,
  trace,
  crash,
  connections,
  offline,
  idle,
  connectAll,
  joinStorm,
  restart,
  presence,
];
