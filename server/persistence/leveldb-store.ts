import createDebug from 'debug';
import { Compactor } from './leveldb/compaction.js';
import { Db } from './leveldb/db.js';
import { DocStates } from './leveldb/doc-states.js';
import { readDocument } from './leveldb/document-reader.js';
import { StoreClosedError } from './leveldb/errors.js';
import { GroupCommit } from './leveldb/group-commit.js';
import { DocKeys } from './leveldb/keys.js';
import { listDocuments } from './leveldb/list.js';
import { type LevelDbStoreOptions, type ResolvedOptions, resolveOptions } from './leveldb/options.js';
import { type WriteStats, Writer, emptyWriteStats } from './leveldb/writer.js';
import type { DocumentStore, StoredDocumentInfo } from './types.js';

export { CorruptDocumentError, StoreClosedError, StoreLockedError, StoreWriteError } from './leveldb/errors.js';
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
  private readonly counters = emptyWriteStats();
  private readonly reads = new Set<Promise<unknown>>();
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly db: Db,
    readonly options: Readonly<ResolvedOptions>,
  ) {
    this.states = new DocStates(db);
    this.writer = new Writer(db, options.sync, this.counters, options.hooks.beforeWrite);
    this.groupCommit = new GroupCommit(db, this.writer, this.states, (names) => this.compactor.consider(names));
    this.compactor = new Compactor(
      db,
      this.writer,
      this.states,
      { afterBytes: options.compactAfterBytes, afterUpdates: options.compactAfterUpdates },
      () => this.groupCommit.written(),
    );
  }

  /**
   * Opens (creating when missing) the store in `options.path`. Rejects with StoreLockedError,
   * without waiting, when another running store holds the directory.
   */
  static async open(options: LevelDbStoreOptions): Promise<LevelDbStore> {
    const resolved = resolveOptions(options);
    const db = await Db.open(resolved.path);
    log('opened %s (sync %s, compact after %d updates or %d bytes)', db.directory, resolved.sync,
      resolved.compactAfterUpdates, resolved.compactAfterBytes);
    return new LevelDbStore(db, Object.freeze(resolved));
  }

  /** Snapshot first (when there is one), then the tail in append order. */
  async load(name: string): Promise<Uint8Array[]> {
    const keys = new DocKeys(name);
    const stored = await this.read(() => readDocument(this.db, keys));
    const updates = stored.tail.map((record) => record.payload);
    if (stored.snapshot !== undefined) updates.unshift(stored.snapshot);
    return updates;
  }

  /** One seek into the document's key range: never reads its updates, never decodes its meta. */
  async has(name: string): Promise<boolean> {
    const keys = new DocKeys(name);
    let found = false;
    await this.read(() => this.db.scan(keys.all, { values: false, limit: 1, highWaterMark: 1 }, () => {
      found = true;
      return undefined;
    }));
    return found;
  }

  async append(name: string, update: Uint8Array): Promise<void> {
    this.assertOpen();
    if (!(update instanceof Uint8Array)) throw new TypeError('update must be a Uint8Array');
    return this.groupCommit.append(new DocKeys(name), update);
  }

  async delete(name: string): Promise<void> {
    this.assertOpen();
    return this.groupCommit.delete(new DocKeys(name));
  }

  async list(): Promise<StoredDocumentInfo[]> {
    return this.read(() => listDocuments(this.db));
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
      this.compactor.stop();
      await this.whenIdle();
      await this.db.close();
      log('closed %s', this.db.directory);
    })();
    return this.closing;
  }

  private assertOpen(): void {
    if (this.closing !== undefined) throw new StoreClosedError();
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
