/** What a workload declares (its figures) and returns per server (values, notes, raw details). */
import type { Adapter } from '../adapters/types.js';
import type { BenchOptions } from '../lib/options.js';
import type { PeerName } from '../lib/peers.js';

export interface Figure {
  key: string;
  label: string;
  unit: string;
  /** Whether a smaller value is the better one: decides how ratios read in the table. */
  better: 'lower' | 'higher';
  /** Figures repeated in several runs report the median; says how many. */
  runs?: number;
}

export interface PeerResult {
  values: Record<string, number | null>;
  /** Short facts worth a line under the table (timeouts, equality checks, unloads). */
  notes: string[];
  /** Raw numbers for the JSON file (per-run values, latency samples summaries, ...). */
  details?: Record<string, unknown>;
}

export interface WorkloadContext {
  peer: PeerName;
  adapter: Adapter;
  options: BenchOptions;
  /** Progress for the person watching, on stderr. */
  log(message: string): void;
}

export interface Workload {
  name: string;
  title: string;
  figures(options: BenchOptions): Figure[];
  run(context: WorkloadContext): Promise<PeerResult>;
}
