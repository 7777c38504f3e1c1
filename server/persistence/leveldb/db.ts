import { readdir, realpath } from 'node:fs/promises';
import { createRequire } from 'node:module';
import createDebug from 'debug';
import type { LevelDown, LevelDownIterator } from 'leveldown';
import {
  type DirectoryIdentity,
  type DirectoryProblem,
  SWAP_MARKER,
  directoryProblem,
  readIdentity,
  readRecoveryReport,
} from './directory.js';
import { ensureDirectory } from './ensure-directory.js';
import { StoreLockedError, StoreUnavailableError } from './errors.js';

// leveldown is CommonJS whose types say `export default`, which NodeNext reads as a `.default`
// property that does not exist at run time: load it as the CommonJS module it is.
const leveldown = createRequire(import.meta.url)('leveldown') as (location: string) => LevelDown;

const log = createDebug('quire:store:leveldb:db');

/**
 * A thin promise wrapper over leveldown (whose API is callbacks only), plus the data-directory
 * lock rules. Keys and values are Buffers.
 */

export type BatchOp = { type: 'put'; key: Buffer; value: Buffer } | { type: 'del'; key: Buffer };

export interface Range {
  gte: Buffer;
  lt: Buffer;
}

export interface Entry {
  key: Buffer;
  value: Buffer;
}

/**
 * Directories this process holds open. LevelDB locks with POSIX fcntl locks, which belong to the
 * process: when a second open of the same directory in this process fails, LevelDB closes its own
 * descriptor of LOCK, and closing *any* descriptor of a file drops *all* the process's fcntl locks
 * on it — another process could then open the directory under a live server. So a second open in
 * this process must be refused before LevelDB ever touches LOCK. This is why the set is
 * process-wide: the lock it mirrors is.
 */
const heldDirectories = new Set<string>();

// leveldown reports both cases as "IO error: lock <dir>/LOCK: <reason>".
const OTHER_PROCESS_LOCK = /\block\b.*\bLOCK\b.*Resource temporarily unavailable/i;
const SAME_PROCESS_LOCK = /\block\b.*\bLOCK\b.*already held by process/i;

/**
 * LevelDB's memory options. leveldown's defaults (8 MiB block cache, 4 MiB write buffer, 1,000
 * open tables) are kept unless the store is told otherwise; see options.ts for what they cost.
 */
export interface DbTuning {
  cacheSize: number;
  writeBufferSize: number;
  maxOpenFiles: number;
}

export class Db {
  private closing: Promise<void> | undefined;
  /** Set while the database is closed for a reopen, or after a reopen failed. */
  private unavailable: { ready: Promise<void> | null; error: Error | null } | null = null;
  /** What LevelDB logged while recovering at the latest open (dropped log records, corruption). */
  recoveryReport: string[] = [];

  private constructor(
    private raw: LevelDown,
    /** The canonical path of the directory (realpath). */
    readonly directory: string,
    private readonly tuning: DbTuning,
    private readonly identity: DirectoryIdentity,
  ) {}

  /** Opens (creating when missing) the database in `path`; fails fast when it is locked. */
  static async open(path: string, tuning: DbTuning, create = true): Promise<Db> {
    if (create) await ensureDirectory(path);
    const directory = await realpath(path);
    if (heldDirectories.has(directory)) throw new StoreLockedError(path, 'this process');
    heldDirectories.add(directory);
    const raw = leveldown(directory);
    try {
      await assertNotOrphaned(directory);
      await openRaw(raw, tuning, create);
    } catch (err) {
      heldDirectories.delete(directory);
      throw openError(path, err);
    }
    let identity: DirectoryIdentity;
    try {
      identity = readIdentity(directory);
    } catch (err) {
      await new Promise<void>((resolve) => raw.close(() => resolve()));
      heldDirectories.delete(directory);
      throw openError(path, err);
    }
    const db = new Db(raw, directory, tuning, identity);
    db.recoveryReport = await readRecoveryReport(directory);
    log('opened %s', directory);
    return db;
  }

  /**
   * Whether the directory at the path is still the one opened: not removed, renamed or replaced
   * (LevelDB keeps writing through its open descriptors into a removed directory, so writes
   * "succeed" there and vanish). Synchronous and cheap: two stats.
   */
  directoryProblem(): DirectoryProblem | null {
    return directoryProblem(this.directory, this.identity);
  }

  /**
   * Closes the database and opens it again (never creating it), so that LevelDB recovers its
   * write-ahead log into a table and later writes go to a fresh log file — the way back to a clean
   * state after a failed write left a damaged record at the end of the log. Reads and writes
   * issued meanwhile wait; if the open fails they fail with StoreUnavailableError until the next
   * successful reopen.
   */
  async reopen(): Promise<void> {
    let finish!: () => void;
    const ready = new Promise<void>((resolve) => (finish = resolve));
    this.unavailable = { ready, error: null };
    try {
      await new Promise<void>((resolve) => this.raw.close(() => resolve()));
      const problem = this.directoryProblem();
      if (problem !== null) throw new Error(problem.detail);
      const raw = leveldown(this.directory);
      await openRaw(raw, this.tuning, false);
      this.raw = raw;
      this.recoveryReport = await readRecoveryReport(this.directory);
      this.unavailable = null;
      log('reopened %s', this.directory);
    } catch (err) {
      const error = new StoreUnavailableError(`the database could not be reopened: ${(err as Error).message}`, { cause: err });
      this.unavailable = { ready: null, error };
      throw error;
    } finally {
      finish();
    }
  }

  batch(ops: BatchOp[], sync: boolean): Promise<void> {
    return this.whenOpen(() => new Promise((resolve, reject) => this.raw.batch(ops, { sync }, (err) => (err ? reject(err) : resolve()))));
  }

  /**
   * The values of `keys` (undefined where missing), from one consistent view. Point lookups:
   * unlike an iterator, they never step through deleted keys.
   */
  getMany(keys: Buffer[]): Promise<Array<Buffer | undefined>> {
    return this.whenOpen(
      () =>
        new Promise((resolve, reject) =>
          this.raw.getMany(keys, { asBuffer: true }, (err, values) =>
            err ? reject(err) : resolve(values.map((v) => (v === undefined ? undefined : asBuffer(v)))),
          ),
        ),
    );
  }

  /** Every entry in `range`, in key order, read from one consistent view of the database. */
  async readRange(range: Range, options: { values?: boolean; limit?: number } = {}): Promise<Entry[]> {
    const entries: Entry[] = [];
    await this.scan(range, options, (key, value) => {
      entries.push({ key, value });
      return undefined;
    });
    return entries;
  }

  /**
   * Visits entries of `range` in key order. The visitor may return a key to seek to (skipping
   * what lies between) or undefined to go on to the next entry.
   */
  async scan(
    range: Range,
    options: { values?: boolean; limit?: number; highWaterMark?: number },
    visit: (key: Buffer, value: Buffer) => Buffer | undefined,
  ): Promise<void> {
    await this.whenOpen(async () => undefined);
    const it = this.raw.iterator({
      gte: range.gte,
      lt: range.lt,
      values: options.values ?? true,
      limit: options.limit ?? -1,
      keyAsBuffer: true,
      valueAsBuffer: true,
      // leveldown reads up to 1000 entries or this many bytes per native call.
      highWaterMark: options.highWaterMark ?? 4 * 1024 * 1024,
    });
    try {
      for (;;) {
        const entry = await next(it);
        if (entry === undefined) break;
        const seekTo = visit(entry.key, entry.value);
        if (seekTo !== undefined) it.seek(seekTo);
      }
    } finally {
      await new Promise<void>((resolve) => it.end(() => resolve()));
    }
  }

  /** Compacts LevelDB's files in the key range (drops deleted keys' tombstones from disk). */
  compactRange(range: Range): Promise<void> {
    return this.whenOpen(
      () => new Promise((resolve, reject) => this.raw.compactRange(range.gte, range.lt, (err) => (err ? reject(err) : resolve()))),
    );
  }

  /** Closes the database and releases the directory. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      // A database closed by a failed reopen has nothing left to close.
      if (this.unavailable?.ready) await this.unavailable.ready;
      if (this.unavailable !== null) return;
      await new Promise<void>((resolve, reject) => this.raw.close((err) => (err ? reject(err) : resolve())));
    })().finally(() => {
      heldDirectories.delete(this.directory);
      log('closed %s', this.directory);
    });
    return this.closing;
  }

  /** Runs `operation` once the database is open; fails at once while a reopen has failed. */
  private async whenOpen<T>(operation: () => Promise<T>): Promise<T> {
    if (this.unavailable?.ready) await this.unavailable.ready;
    if (this.unavailable?.error) throw this.unavailable.error;
    return operation();
  }
}

/**
 * Refuses a directory holding LevelDB's files without the CURRENT that names their MANIFEST.
 * LevelDB would take it for a new database (create_if_missing), replay the log into it, and
 * delete every table file as obsolete: the documents in them would be gone for good, where
 * LevelDB's RepairDB (quire repair) rebuilds CURRENT and the MANIFEST from those very tables.
 */
async function assertNotOrphaned(directory: string): Promise<void> {
  const files = await readdir(directory);
  if (files.includes(SWAP_MARKER)) {
    throw new Error(`Corruption: a repair was interrupted while it moved files (${SWAP_MARKER}); run quire repair again to finish it`);
  }
  if (files.includes('CURRENT')) return;
  // Only tables are at stake: a log is replayed into the new database, and a MANIFEST alone (a
  // crash during the very first open, before CURRENT was written) lists nothing that exists.
  const orphans = files.filter((file) => /^\d+\.(ldb|sst)$/.test(file));
  if (orphans.length === 0) return;
  const named = orphans.slice(0, 3).join(', ') + (orphans.length > 3 ? ', …' : '');
  throw new Error(`Corruption: CURRENT is missing, but LevelDB table files are there (${named})`);
}

function openRaw(raw: LevelDown, tuning: DbTuning, createIfMissing: boolean): Promise<void> {
  return new Promise<void>((resolve, reject) => raw.open({ createIfMissing, ...tuning }, (err) => (err ? reject(err) : resolve())));
}

function next(it: LevelDownIterator): Promise<Entry | undefined> {
  return new Promise((resolve, reject) =>
    it.next((err, key, value) => {
      if (err) reject(err);
      else if (key === undefined) resolve(undefined);
      else resolve({ key: asBuffer(key), value: value === undefined ? Buffer.alloc(0) : asBuffer(value) });
    }),
  );
}

function asBuffer(data: string | Buffer): Buffer {
  return typeof data === 'string' ? Buffer.from(data) : data;
}

function openError(path: string, err: unknown): Error {
  const message = err instanceof Error ? err.message : String(err);
  if (OTHER_PROCESS_LOCK.test(message)) return new StoreLockedError(path, 'process', { cause: err });
  if (SAME_PROCESS_LOCK.test(message)) return new StoreLockedError(path, 'this process', { cause: err });
  const repair = /corrupt|MANIFEST|CURRENT|No such file/i.test(message)
    ? ` LevelDB cannot read its own files: stop nothing else, back the directory up, then run \`npx y-quire repair --data ${path}\` (docs/OPERATING.md, "When storage fails").`
    : '';
  return new Error(`Could not open the data directory ${path}: ${message}.${repair}`, { cause: err });
}
