import type { DbTuning } from './db.js';
import { DEFAULT_CACHED_STATES } from './doc-states.js';
import type { BeforeWrite } from './writer.js';

export const DEFAULT_CACHE_SIZE = 8 * 1024 * 1024;
export const DEFAULT_WRITE_BUFFER_SIZE = 4 * 1024 * 1024;
export const DEFAULT_MAX_OPEN_FILES = 1000;

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
  /**
   * LevelDB's block cache in bytes (decoded table blocks kept in memory). Default 8 MiB,
   * leveldown's own default.
   */
  cacheSize?: number;
  /**
   * LevelDB's memtable size in bytes: how much is written before it becomes a table file. Each
   * costs up to twice this in memory (one being written, one filling). Default 4 MiB.
   */
  writeBufferSize?: number;
  /** Table files LevelDB keeps open (each holds its index in memory). Default 1,000. */
  maxOpenFiles?: number;
  /**
   * Document states (meta) kept cached for writes; the least recently used beyond this are
   * dropped and read again when needed. Default 10,000 (about 2 MB).
   */
  maxCachedStates?: number;
  /**
   * How often the store checks that its data directory is still there and still the one it
   * opened, in ms (it also checks after every write). Default 1000.
   */
  directoryCheckMs?: number;
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
  tuning: DbTuning;
  maxCachedStates: number;
  directoryCheckMs: number;
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
    tuning: {
      cacheSize: count('cacheSize', options.cacheSize, DEFAULT_CACHE_SIZE),
      writeBufferSize: count('writeBufferSize', options.writeBufferSize, DEFAULT_WRITE_BUFFER_SIZE),
      maxOpenFiles: count('maxOpenFiles', options.maxOpenFiles, DEFAULT_MAX_OPEN_FILES),
    },
    maxCachedStates: count('maxCachedStates', options.maxCachedStates, DEFAULT_CACHED_STATES),
    directoryCheckMs: count('directoryCheckMs', options.directoryCheckMs, 1000),
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

/** A positive integer that fits LevelDB's 32-bit options. */
function count(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value <= 0 || value > 0xffffffff) {
    throw new RangeError(`${name} must be a positive integer (got ${String(value)}).`);
  }
  return value;
}
