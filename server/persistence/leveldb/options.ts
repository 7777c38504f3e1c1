import type { BeforeWrite } from './writer.js';

export interface LevelDbStoreOptions {
  /** The data directory; created when missing. One running store per directory. */
  path: string;
  /**
   * fsync every batch (LevelDB `sync: true`) so acknowledged updates survive power loss, not
   * only a crash of the process. Default false: a written batch is in the OS page cache, which
   * survives SIGKILL and process crashes. See bench/store-throughput.ts for the measured cost.
   */
  sync?: boolean;
  /** Compact a document once its tail holds this many bytes of updates. Default 1 MiB. */
  compactAfterBytes?: number;
  /**
   * Compact a document once its tail holds this many updates. Default 2,000: loading 2,000
   * keystroke-sized updates costs ~20 ms, and a compaction of a large document costs about what
   * loading it does, so it stays a few percent of the write path's CPU.
   */
  compactAfterUpdates?: number;
  /** Test seams; not for production use. */
  hooks?: LevelDbStoreHooks;
}

export interface LevelDbStoreHooks {
  /**
   * Called before every batch is written. Throwing (or rejecting) fails that batch exactly as a
   * disk error would; awaiting holds the writer (appends keep gathering into the next group).
   */
  beforeWrite?: BeforeWrite;
}

export const DEFAULT_COMPACT_AFTER_BYTES = 1024 * 1024;
export const DEFAULT_COMPACT_AFTER_UPDATES = 2000;

export interface ResolvedOptions {
  path: string;
  sync: boolean;
  compactAfterBytes: number;
  compactAfterUpdates: number;
  hooks: LevelDbStoreHooks;
}

export function resolveOptions(options: LevelDbStoreOptions): ResolvedOptions {
  if (typeof options.path !== 'string' || options.path === '') {
    throw new TypeError('LevelDbStore needs a data directory `path`.');
  }
  return {
    path: options.path,
    sync: options.sync ?? false,
    compactAfterBytes: threshold('compactAfterBytes', options.compactAfterBytes, DEFAULT_COMPACT_AFTER_BYTES),
    compactAfterUpdates: threshold('compactAfterUpdates', options.compactAfterUpdates, DEFAULT_COMPACT_AFTER_UPDATES),
    hooks: options.hooks ?? {},
  };
}

/** A positive number; Infinity turns automatic compaction by that measure off. */
function threshold(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || Number.isNaN(value) || value <= 0) {
    throw new RangeError(`${name} must be a positive number or Infinity (got ${String(value)}).`);
  }
  return value;
}
