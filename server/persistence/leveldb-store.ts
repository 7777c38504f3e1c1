import createDebug from 'debug';
import { Compactor } from './leveldb/compaction.js';
import { Db } from './leveldb/db.js';
import { DocStates } from './leveldb/doc-states.js';
import { readDocument } from './leveldb/document-reader.js';
import { CorruptDocumentError, DamagedTablesError, StoreClosedError } from './leveldb/errors.js';
import { GroupCommit } from './leveldb/group-commit.js';
import { Health } from './leveldb/health.js';
import { checkedAgainstLedger, completeListing } from './leveldb/integrity.js';
import { DocKeys } from './leveldb/keys.js';
import { Ledger } from './leveldb/ledger.js';
import { LiveSnapshots } from './leveldb/live-snapshots.js';
import { listDocuments } from './leveldb/list.js';
import { type OpenReport, checkOpenedDatabase } from './leveldb/open-check.js';
import { type LevelDbStoreOptions, type ResolvedOptions, resolveOptions } from './leveldb/options.js';
import { Recovery } from './leveldb/recovery.js';
import { findDamagedTables } from './leveldb/table-check.js';
import { LevelDbVersionRecords } from './leveldb/versions.js';
import { VersionKeys } from './leveldb/versions-keys.js';
import { type WriteStats, Writer, emptyWriteStats } from './leveldb/writer.js';
import type { DocumentStore, LiveSnapshotSource, StoreHealth, StoredDocumentInfo } from './types.js';

export {
  CorruptDocumentError,
  DamagedTablesError,
  StoreClosedError,
  StoreLockedError,
  StoreUnavailableError,
  StoreWriteError,
} from './leveldb/errors.js';
export type { OpenReport } from './leveldb/open-check.js';
export { DataDirectoryError } from './leveldb/ensure-directory.js';
export { InvalidDocumentNameError } from './leveldb/keys.js';
export {
  DEFAULT_COMPACT_AFTER_BYTES,
  DEFAULT_COMPACT_AFTER_UPDATES,
  type LevelDbStoreHooks,
  type LevelDbStoreOptions,
} from './leveldb/options.js';
export type { WriteInfo, WriteStats } from './leveldb/writer.js';

const log = createDebug('quire:store:leveldb');

/** Tail length from which a document unloading is compacted (see `compactBeforeUnload`). */
export const UNLOAD_COMPACTION_MIN_UPDATES = 64;

/** One document's committed sizes, as the store sees them now. */
export interface DocumentStats {
  /** Updates appended since the last compaction. */
  tailUpdates: number;
  tailBytes: number;
  /** Bytes of the compacted snapshot; 0 when there is none. */
  snapshotBytes: number;
  /** The seq the next update of this document gets. */
  nextSeq: number;
  /** Milliseconds since the epoch of the last write. */
  updatedAt: number;
}

/**
 * The LevelDB (leveldown) document store. Layout and encodings: leveldb/keys.ts and
 * leveldb/records.ts; group commit: leveldb/group-commit.ts; compaction: leveldb/compaction.ts.
 */
export class LevelDbStore implements DocumentStore {
  private readonly states: DocStates;
  private readonly writer: Writer;
  private readonly groupCommit: GroupCommit;
  private readonly compactor: Compactor;
  private readonly liveSnapshots = new LiveSnapshots();
  private readonly recovery: Recovery;
  private readonly healthState = new Health((health) => this.healthListeners.forEach((listener) => listener(health)));
  private readonly healthListeners = new Set<(health: StoreHealth) => void>();
  private readonly counters = emptyWriteStats();
  private readonly reads = new Set<Promise<unknown>>();
  private readonly directoryWatch: NodeJS.Timeout;
  private closing: Promise<void> | undefined;
  /** Documents found damaged at open or recovery (and not deleted since), with their problem. */
  private damaged = new Map<string, string>();
  /** What the latest open or recovery found; see OpenReport. */
  openReport: OpenReport;
  /** Version history records, in their own key range (leveldb/versions-keys.ts). */
  readonly versions: LevelDbVersionRecords;

  private constructor(
    private readonly db: Db,
    private readonly ledger: Ledger,
    checked: { report: OpenReport; damaged: Map<string, string> },
    readonly options: Readonly<ResolvedOptions>,
  ) {
    this.openReport = checked.report;
    this.damaged = checked.damaged;
    this.states = new DocStates(db, ledger, options.maxCachedStates, (name) => this.compactor.isCompacting(name));
    this.writer = new Writer(db, options.sync, this.counters, options.hooks.beforeWrite, this.healthState, (err) => this.writeFailed(err));
    this.recovery = new Recovery(
      db,
      this.writer,
      this.healthState,
      {
        readsSettled: async () => void (await Promise.allSettled([...this.reads])),
        verify: async () => {
          const { report, damaged } = await checkOpenedDatabase(db, ledger);
          this.states.clear();
          this.openReport = report;
          this.damaged = damaged;
        },
      },
      () => this.counters.recoveries++,
    );
    this.groupCommit = new GroupCommit(
      db,
      this.writer,
      this.states,
      ledger,
      this.healthState,
      (names) => this.compactor.consider(names),
      // A document's versions are deleted in the same batch as its records.
      (name) => [new VersionKeys(name).all],
    );
    this.compactor = new Compactor(
      db,
      this.writer,
      this.states,
      { afterBytes: options.compactAfterBytes, afterUpdates: options.compactAfterUpdates },
      () => this.groupCommit.written(),
      this.liveSnapshots,
    );
    this.versions = new LevelDbVersionRecords({
      db,
      writer: this.writer,
      read: (run) => this.read(run),
      assertOpen: () => this.assertOpen(),
    });
    this.directoryWatch = setInterval(() => this.checkDirectory(), options.directoryCheckMs);
    this.directoryWatch.unref();
  }

  /**
   * Opens (creating when missing) the store in `options.path`. Rejects with StoreLockedError,
   * without waiting, when another running store holds the directory; with DamagedTablesError when
   * a LevelDB table fails its checksums (every table is checked, about 150 MB/s); with an error
   * naming `quire repair` when LevelDB cannot read its MANIFEST or CURRENT. Then checks every
   * document against the acknowledgement ledger (see `openReport`).
   */
  static async open(options: LevelDbStoreOptions): Promise<LevelDbStore> {
    const resolved = resolveOptions(options);
    const tables = await findDamagedTables(resolved.path).catch(() => []);
    if (tables.length > 0) throw new DamagedTablesError(resolved.path, tables);
    const db = await Db.open(resolved.path, resolved.tuning);
    let ledger: Ledger | undefined;
    let checked;
    try {
      ledger = Ledger.read(db.directory);
      checked = await checkOpenedDatabase(db, ledger);
    } catch (err) {
      await ledger?.close();
      await db.close().catch(() => {});
      throw err;
    }
    log(
      'opened %s (sync %s, compact after %d updates or %d bytes; %d damaged documents)',
      db.directory,
      resolved.sync,
      resolved.compactAfterUpdates,
      resolved.compactAfterBytes,
      checked.damaged.size,
    );
    return new LevelDbStore(db, ledger, checked, Object.freeze(resolved));
  }

  /**
   * Snapshot first (when there is one), then the tail in append order. Rejects with
   * CorruptDocumentError when a record is damaged or acknowledged updates are missing (the
   * ledger counts more than LevelDB holds): never an incomplete document.
   */
  async load(name: string): Promise<Uint8Array[]> {
    const keys = new DocKeys(name);
    let stored;
    try {
      stored = await this.read(() => checkedAgainstLedger(this.ledger, name, () => readDocument(this.db, keys)));
    } catch (err) {
      // Remembered for list(): a damaged document is listed with its problem from now on.
      if (err instanceof CorruptDocumentError) this.damaged.set(name, err.problem);
      else if (/corrupt/i.test((err as Error)?.message ?? '')) this.damaged.set(name, `unreadable: ${(err as Error).message}`);
      throw err;
    }
    this.damaged.delete(name);
    const updates = stored.tail.map((record) => record.payload);
    if (stored.snapshot !== undefined) updates.unshift(stored.snapshot);
    return updates;
  }

  /**
   * One seek into the document's key range: never reads its updates, never decodes its meta. A
   * document the ledger counts acknowledged updates of exists even when LevelDB lost every record
   * of it: deleting it is one way to accept that loss.
   */
  async has(name: string): Promise<boolean> {
    const keys = new DocKeys(name);
    if ((this.ledger.expectedNextSeq(name) ?? 0) > 0 || this.damaged.has(name)) return true;
    let found = false;
    await this.read(() =>
      this.db.scan(keys.all, { values: false, limit: 1, highWaterMark: 1 }, () => {
        found = true;
        return undefined;
      }),
    );
    return found;
  }

  async append(name: string, update: Uint8Array): Promise<void> {
    this.assertOpen();
    if (!(update instanceof Uint8Array)) throw new TypeError('update must be a Uint8Array');
    return this.groupCommit.append(new DocKeys(name), update);
  }

  /**
   * Removes every record of the document, its versions included, in one atomic batch: also the
   * way to accept the loss of a damaged one.
   */
  async delete(name: string): Promise<void> {
    this.assertOpen();
    await this.groupCommit.delete(new DocKeys(name));
    this.damaged.delete(name);
  }

  /**
   * Every stored document; one whose records are damaged, unreadable or lost (the ledger knows it,
   * LevelDB does not have all of it) is listed with `problem`. Never fails because of one document.
   */
  async list(): Promise<StoredDocumentInfo[]> {
    return this.read(async () => completeListing(this.db, this.ledger, await listDocuments(this.db), this.damaged));
  }

  /** Whether writes are accepted now, and why not (see health.ts for the reasons). */
  health(): StoreHealth {
    return this.healthState.current();
  }

  /** Calls `listener` whenever the store stops or starts accepting writes. Returns an unsubscribe. */
  onHealthChange(listener: (health: StoreHealth) => void): () => void {
    this.healthListeners.add(listener);
    return () => this.healthListeners.delete(listener);
  }

  /** The documents known to be damaged now (found at open or recovery, or since). */
  damagedDocuments(): Array<{ name: string; problem: string }> {
    return [...this.damaged].map(([name, problem]) => ({ name, problem }));
  }

  /**
   * Compacts the document now, whatever its size, merging every append issued before the call,
   * and resolves when that is written. Waits for a compaction of it already running, then runs
   * one more (never two at once).
   */
  async compact(name: string): Promise<void> {
    this.assertOpen();
    new DocKeys(name); // validates the name
    return this.compactor.compact(name);
  }

  /**
   * Lets compactions of `name` take its state from the server's loaded copy instead of merging
   * the stored records (see leveldb/live-snapshots.ts). Returns a function that withdraws it.
   */
  provideLiveSnapshots(name: string, source: LiveSnapshotSource): () => void {
    return this.liveSnapshots.provide(name, source);
  }

  /**
   * Compacts the document if its tail holds at least `UNLOAD_COMPACTION_MIN_UPDATES` updates:
   * the server calls it while its loaded copy can still be the snapshot (a few milliseconds), and
   * the next load (a restart's first joiner) applies one record instead of up to
   * `compactAfterUpdates`, which in a cold process costs several times more.
   */
  async compactBeforeUnload(name: string): Promise<void> {
    const stats = await this.stats(name);
    if (stats !== null && stats.tailUpdates >= UNLOAD_COMPACTION_MIN_UPDATES) await this.compact(name);
  }

  /** Resolves when nothing is pending: no appends waiting, no batch in flight, no compaction. */
  async whenIdle(): Promise<void> {
    for (;;) {
      if (this.groupCommit.isIdle() && this.writer.isIdle() && this.compactor.isIdle() && this.reads.size === 0) return;
      await Promise.allSettled([this.writer.drained(), this.compactor.drained(), ...this.reads]);
      // Lets work scheduled with setImmediate (a group flush, a compaction) start.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** The document's committed sizes; null when nothing is stored. Rejects when its meta is corrupt. */
  async stats(name: string): Promise<DocumentStats | null> {
    const state = await this.read(() => this.states.get(name));
    if (!state.exists) return null;
    const { tailCount, tailBytes, snapshotBytes, nextSeq, updatedAt } = state;
    return { tailUpdates: tailCount, tailBytes, snapshotBytes, nextSeq, updatedAt };
  }

  /** How many documents' states are cached now (bounded by `maxCachedStates`). */
  cachedStates(): number {
    return this.states.size;
  }

  /** Counters of batches, appends and compactions since open (a copy). */
  writeStats(): WriteStats {
    return { ...this.counters };
  }

  /**
   * Stops accepting calls, writes everything already appended, lets running compactions finish
   * (starting no new ones), then closes the database and releases the directory. Idempotent.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      clearInterval(this.directoryWatch);
      this.compactor.stop();
      await this.recovery.stop();
      await this.whenIdle();
      await this.ledger.close();
      await this.db.close();
      this.healthState.markClosed();
      log('closed %s', this.db.directory);
    })();
    return this.closing;
  }

  private assertOpen(): void {
    if (this.closing !== undefined) throw new StoreClosedError();
  }

  /** A write failed: stop acknowledging (unless already stopped for a graver reason) and recover. */
  private writeFailed(err: unknown): void {
    if (this.healthState.accepting) {
      this.healthState.fail(
        'write-failed',
        `A write failed; reopening and checking the database before accepting writes again: ${(err as Error)?.message ?? String(err)}`,
      );
    }
    if (this.closing === undefined) this.recovery.schedule();
  }

  /** The periodic check that the data directory is still the one opened (removed? swapped?). */
  private checkDirectory(): void {
    if (this.closing !== undefined || !this.healthState.accepting) return;
    const problem = this.db.directoryProblem();
    if (problem === null) return;
    this.healthState.fail(problem.reason, problem.detail);
    this.recovery.schedule();
  }

  /** Runs a read, tracked so close() waits for it rather than closing the database under it. */
  private async read<T>(run: () => Promise<T>): Promise<T> {
    this.assertOpen();
    const pending = run();
    this.reads.add(pending);
    try {
      return await pending;
    } finally {
      this.reads.delete(pending);
    }
  }
}
