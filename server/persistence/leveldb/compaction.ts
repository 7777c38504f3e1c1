import createDebug from 'debug';
import type { Db } from './db.js';
import type { DocStates } from './doc-states.js';
import { readDocument } from './document-reader.js';
import { DocKeys } from './keys.js';
import type { LiveSnapshots } from './live-snapshots.js';
import { mergeToSnapshot } from './merge.js';
import { encodeMeta, frame } from './records.js';
import type { Writer } from './writer.js';

const log = createDebug('quire:store:leveldb:compaction');

export interface CompactionThresholds {
  /** Compact once the tail holds this many payload bytes. */
  afterBytes: number;
  /** Compact once the tail holds this many updates. */
  afterUpdates: number;
}

/**
 * Compaction: replaces a document's snapshot + tail with one merged snapshot.
 *
 * It runs off the request path: triggered after a batch is written, started with setImmediate,
 * reading from LevelDB without blocking the writer. The commit is one atomic batch — put the new
 * snapshot, delete exactly the tail keys that were merged, put meta — so a crash at any moment
 * leaves either the old snapshot with its whole tail, or the new snapshot with the newer tail.
 * Appends that arrive meanwhile get higher seqs than anything merged and stay in the tail.
 * At most one compaction per document runs at a time; a request while one runs is queued once.
 */
export class Compactor {
  private readonly running = new Map<string, Promise<void>>();
  private readonly queued = new Map<string, Promise<void>>();
  /** Tail size at which each document's last compaction failed: retried only after it grows. */
  private readonly failedAt = new Map<string, { updates: number; bytes: number }>();
  private scheduled = 0;
  private stopped = false;

  constructor(
    private readonly db: Db,
    private readonly writer: Writer,
    private readonly states: DocStates,
    private readonly thresholds: CompactionThresholds,
    /** Resolves once the appends issued so far are written. */
    private readonly appendsWritten: () => Promise<void>,
    /** The documents the server holds loaded: their state is the snapshot, without a merge. */
    private readonly live: LiveSnapshots,
  ) {}

  /** Starts a compaction of each document whose tail is over a threshold (after this turn). */
  consider(names: readonly string[]): void {
    for (const name of names) {
      if (this.stopped || this.running.has(name) || !this.isDue(name)) continue;
      this.scheduled++;
      setImmediate(() => {
        this.scheduled--;
        if (!this.stopped && !this.running.has(name) && this.isDue(name)) void this.run(name, false).catch(() => {});
      });
    }
  }

  /**
   * Compacts the document now, whatever its size, merging every append issued before the call;
   * resolves when done (rejects if it failed).
   */
  compact(name: string): Promise<void> {
    const current = this.running.get(name);
    if (current === undefined) return this.run(name, true);
    let next = this.queued.get(name);
    if (next === undefined) {
      next = current
        .catch(() => {})
        .then(() => {
          this.queued.delete(name);
          return this.run(name, true);
        });
      this.queued.set(name, next);
    }
    return next;
  }

  /** Starts no more compactions; those running finish. */
  stop(): void {
    this.stopped = true;
  }

  /** Whether a compaction of the document is running or queued (its state must stay cached). */
  isCompacting(name: string): boolean {
    return this.running.has(name) || this.queued.has(name);
  }

  isIdle(): boolean {
    return this.running.size === 0 && this.queued.size === 0 && this.scheduled === 0;
  }

  /** Resolves when the compactions running or queued now have settled. */
  async drained(): Promise<void> {
    await Promise.allSettled([...this.running.values(), ...this.queued.values()]);
  }

  private isDue(name: string): boolean {
    const state = this.states.peek(name);
    if (state === undefined || !state.exists) return false;
    const failed = this.failedAt.get(name);
    const updates = state.tailCount - (failed?.updates ?? 0);
    const bytes = state.tailBytes - (failed?.bytes ?? 0);
    return updates >= this.thresholds.afterUpdates || bytes >= this.thresholds.afterBytes;
  }

  private run(name: string, forced: boolean): Promise<void> {
    const done = this.compactOnce(name, forced).then(
      () => {
        this.failedAt.delete(name);
      },
      (err: unknown) => {
        this.writer.stats.failedCompactions++;
        const state = this.states.peek(name);
        this.failedAt.set(name, { updates: state?.tailCount ?? 0, bytes: state?.tailBytes ?? 0 });
        log('compaction of %s failed; it keeps its snapshot and tail: %O', JSON.stringify(name), err);
        throw err;
      },
    );
    const tracked = done.finally(() => {
      this.running.delete(name);
      // Appends may have pushed it over a threshold again while it ran.
      this.consider([name]);
    });
    this.running.set(
      name,
      tracked.catch(() => {}),
    );
    return tracked;
  }

  private async compactOnce(name: string, forced: boolean): Promise<void> {
    const keys = new DocKeys(name);
    // So that a compaction merges every append issued before it began, acknowledged or not yet.
    await this.appendsWritten();
    const { epoch } = await this.states.get(name);
    this.writer.stats.compactionsStarted++;
    const stored = await readDocument(this.db, keys);
    if (stored.tail.length === 0) return;
    // Let the acks of the batch that triggered us go out before spending CPU on the merge.
    await new Promise((resolve) => setImmediate(resolve));
    const started = performance.now();
    const payloads = stored.tail.map((record) => record.payload);
    // The loaded copy has applied every record read above (they were appended before the read),
    // and whatever it applied since is in the records after them: still in the tail, and
    // harmless to hold twice.
    const liveSnapshot = this.live.snapshotCovering(name, payloads);
    if (liveSnapshot !== null) this.writer.stats.compactionsFromLoadedDocuments++;
    const snapshot = liveSnapshot ?? mergeToSnapshot(stored.snapshot, payloads);
    const mergeMs = performance.now() - started;
    const mergedBytes = stored.tail.reduce((sum, record) => sum + record.payload.byteLength, 0);

    await this.writer.exclusive(async () => {
      const state = this.states.peek(name);
      if (state === undefined || state.epoch !== epoch) {
        this.writer.stats.compactionsDiscarded++;
        log('compaction of %s discarded: the document was deleted meanwhile', JSON.stringify(name));
        return;
      }
      const next = {
        ...state,
        tailCount: state.tailCount - stored.tail.length,
        tailBytes: state.tailBytes - mergedBytes,
        snapshotBytes: snapshot.byteLength,
      };
      const ops = [
        { type: 'put' as const, key: keys.snapshot, value: frame(snapshot) },
        ...stored.tail.map((record) => ({ type: 'del' as const, key: record.key })),
        { type: 'put' as const, key: keys.meta, value: encodeMeta(next) },
      ];
      await this.writer.write({ kind: 'compaction', documents: [name], operations: ops.length }, ops);
      this.states.commit(name, next);
      this.writer.stats.compactions++;
      log(
        '%s: merged %d updates (%d bytes) and a %d-byte snapshot into %d bytes in %d ms%s%s',
        JSON.stringify(name),
        stored.tail.length,
        mergedBytes,
        stored.snapshot?.byteLength ?? 0,
        snapshot.byteLength,
        Math.round(mergeMs),
        liveSnapshot === null ? '' : ' (encoded from the loaded document)',
        forced ? ' (requested)' : '',
      );
    });
  }
}
