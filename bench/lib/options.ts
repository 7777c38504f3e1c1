/** Command-line options of `npm run bench -- [workload...] [--flag value ...]`. */
import { PEERS, isPeerName, type PeerName } from './peers.js';
import type { PresenceLoad } from '../workloads/presence.js';

export interface BenchOptions {
  workloads: string[];
  peers: PeerName[];
  /** Fan-out: client counts, total update rate, seconds per latency run, runs, burst updates per writer. */
  fanoutClients: number[];
  fanoutWriters: number;
  rate: number;
  seconds: number;
  runs: number;
  burst: number;
  docs: number;
  docBytes: number;
  /** Trace and crash: how many of the trace's edits to type (all by default). */
  edits: number | undefined;
  traceTimeoutS: number;
  connections: number;
  /** connect-all: documents the connections spread over. */
  connectDocs: number;
  /** join-storm: clients joining at once, size of the document (bytes of text), storms. */
  stormClients: number;
  stormBytes: number;
  stormRuns: number;
  /** restart: restarts timed per server; edits per transaction while storing the trace. */
  restarts: number;
  offlineEdits: number;
  onlineEdits: number;
  /** Presence: client counts and cursor moves per second per client. */
  presenceLoads: PresenceLoad[];
  /** Where results/ goes. */
  resultsDir: string;
}

export const DEFAULTS: Omit<BenchOptions, 'workloads' | 'resultsDir'> = {
  peers: [...PEERS],
  fanoutClients: [20, 100],
  fanoutWriters: 10,
  rate: 200,
  seconds: 5,
  runs: 5,
  burst: 100,
  docs: 1000,
  docBytes: 2048,
  edits: undefined,
  traceTimeoutS: 300,
  connections: 2000,
  connectDocs: 200,
  stormClients: 150,
  stormBytes: 4_100_000,
  stormRuns: 3,
  restarts: 5,
  offlineEdits: 10_000,
  onlineEdits: 1_000,
  presenceLoads: [
    { clients: 100, hz: 2 },
    { clients: 300, hz: 5 },
  ],
};

/** `--quick`: every workload at a size that finishes in seconds, for development. */
const QUICK: Partial<BenchOptions> = {
  fanoutClients: [5, 20],
  seconds: 2,
  runs: 2,
  burst: 20,
  docs: 100,
  edits: 5_000,
  connections: 200,
  connectDocs: 20,
  stormClients: 20,
  stormBytes: 400_000,
  stormRuns: 2,
  restarts: 2,
  offlineEdits: 1_000,
  onlineEdits: 100,
  presenceLoads: [{ clients: 20, hz: 2 }],
};

const int = (flag: string, value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${flag} expects a positive integer, got ${value}`);
  return n;
};

export function parseOptions(argv: readonly string[], known: readonly string[], resultsDir: string): BenchOptions {
  const options: BenchOptions = { ...DEFAULTS, workloads: [], resultsDir };
  const overrides: Partial<BenchOptions> = {};
  let quick = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      if (!known.includes(arg)) throw new Error(`unknown workload ${arg}; known: ${known.join(', ')}`);
      options.workloads.push(arg);
      continue;
    }
    const [flag, inline] = arg.split('=', 2) as [string, string | undefined];
    if (flag === '--quick') {
      quick = true;
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`${flag} expects a value`);
    switch (flag) {
      case '--peers': {
        const peers = value.split(',');
        const bad = peers.filter((p) => !isPeerName(p));
        if (bad.length > 0) throw new Error(`unknown peer(s) ${bad.join(', ')}; known: ${PEERS.join(', ')}`);
        overrides.peers = peers as PeerName[];
        break;
      }
      case '--clients':
        overrides.fanoutClients = value.split(',').map((v) => int(flag, v));
        break;
      case '--writers':
        overrides.fanoutWriters = int(flag, value);
        break;
      case '--rate':
        overrides.rate = int(flag, value);
        break;
      case '--seconds':
        overrides.seconds = int(flag, value);
        break;
      case '--runs':
        overrides.runs = int(flag, value);
        break;
      case '--burst':
        overrides.burst = int(flag, value);
        break;
      case '--docs':
        overrides.docs = int(flag, value);
        break;
      case '--edits':
        overrides.edits = int(flag, value);
        break;
      case '--trace-timeout':
        overrides.traceTimeoutS = int(flag, value);
        break;
      case '--connections':
        overrides.connections = int(flag, value);
        break;
      case '--connect-docs':
        overrides.connectDocs = int(flag, value);
        break;
      case '--storm-clients':
        overrides.stormClients = int(flag, value);
        break;
      case '--storm-bytes':
        overrides.stormBytes = int(flag, value);
        break;
      case '--storm-runs':
        overrides.stormRuns = int(flag, value);
        break;
      case '--restarts':
        overrides.restarts = int(flag, value);
        break;
      case '--offline-edits':
        overrides.offlineEdits = int(flag, value);
        break;
      case '--online-edits':
        overrides.onlineEdits = int(flag, value);
        break;
      case '--presence':
        // e.g. 100x2,300x5: clients × cursor moves per second each.
        overrides.presenceLoads = value.split(',').map((load) => {
          const [clients = '', hz = ''] = load.split('x');
          return { clients: int(flag, clients), hz: int(flag, hz) };
        });
        break;
      default:
        throw new Error(`unknown option ${flag}`);
    }
  }
  Object.assign(options, quick ? QUICK : {}, overrides);
  if (options.workloads.length === 0) options.workloads = [...known];
  return options;
}
