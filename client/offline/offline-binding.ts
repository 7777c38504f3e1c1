/**
 * Binds one provider's Y.Doc and pending queue to an offline store: restores both before the
 * provider connects, then records every document update (local and remote) and every change to the
 * queue, grouped into one store write per event-loop turn. While a write is in flight the next
 * turn's changes wait and go out together (group commit), so a slow disk never queues one write
 * per keystroke.
 */
import createDebug from 'debug';
import * as Y from 'yjs';
import { mergeMany } from '../../shared/merge-updates.js';
import { OfflineStoreProblem } from './problems.js';
import type { AcknowledgedRange, OfflineChanges, OfflineStore, OfflineWriteResult, StoredPending } from './types.js';
import { isEmptyChanges } from './types.js';

const debug = createDebug('quire:client:offline');

const RETRY_MIN_MS = 500;
const RETRY_MAX_MS = 30_000;

interface Batch {
  updates: Uint8Array[];
  pending: StoredPending[];
  acknowledged: AcknowledgedRange[];
}

const emptyBatch = (): Batch => ({ updates: [], pending: [], acknowledged: [] });

export class OfflineBinding {
  private batch: Batch = emptyBatch();
  private inFlight: Promise<void> | null = null;
  private scheduled = false;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private retryDelay = RETRY_MIN_MS;
  private closed = false;
  private closing: Promise<void> | null = null;

  constructor(
    private readonly store: OfflineStore,
    private readonly docName: string,
    private readonly doc: Y.Doc,
    private readonly onError: (error: Error) => void,
  ) {
    doc.on('update', this.onUpdate);
  }

  /** Applies the stored document to the Y.Doc; returns the stored pending records, oldest first. */
  async restore(): Promise<StoredPending[]> {
    const hadContent = Y.encodeStateVector(this.doc).byteLength > 1;
    const stored = await this.store.load(this.docName);
    for (const problem of stored.problems ?? []) this.onError(problem);
    // Pending records are in `updates` too (stores write both in one atomic write), so the
    // document needs only these. One that Yjs cannot read costs itself, not the others.
    let unreadable = 0;
    Y.transact(
      this.doc,
      () => {
        for (const update of stored.updates) {
          try {
            Y.applyUpdate(this.doc, update, this);
          } catch (error) {
            unreadable++;
            debug('%s: skipping a stored update Yjs cannot read: %O', this.docName, error);
          }
        }
      },
      this,
    );
    if (unreadable > 0) {
      const message = `${unreadable} stored update(s) of "${this.docName}" could not be applied and were skipped`;
      this.onError(new OfflineStoreProblem('damaged-records', this.docName, message));
    }
    // Content the document held before it was bound is not in the store yet; without it, later
    // stored edits could depend on content a reload would not find.
    if (hadContent) this.enqueue({ updates: [Y.encodeStateAsUpdate(this.doc)], pending: [], acknowledged: [] });
    debug('%s: restored %d updates and %d pending', this.docName, stored.updates.length, stored.pending.length);
    return stored.pending;
  }

  /** A local update entered the provider's queue. */
  recordPending(entry: StoredPending): void {
    this.enqueue({ updates: [], pending: [entry], acknowledged: [] });
  }

  /** The server made these pending records durable. */
  acknowledge(ranges: AcknowledgedRange[]): void {
    if (ranges.length > 0) this.enqueue({ updates: [], pending: [], acknowledged: ranges });
  }

  /** Resolves once every change recorded so far is in the store (or failed to get there). */
  async whenStored(): Promise<void> {
    if (this.closing !== null) return this.closing;
    for (;;) {
      this.startWrite();
      if (this.inFlight === null) return;
      await this.inFlight;
    }
  }

  /**
   * Stops recording and hands the remaining changes to the store at once (not in a later turn),
   * so a provider reopened on the same store right after sees them.
   */
  close(): Promise<void> {
    if (this.closing !== null) return this.closing;
    this.closed = true;
    this.doc.off('update', this.onUpdate);
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const last = isEmptyChanges(this.batch)
      ? null
      : this.store.write(this.docName, this.takeBatch()).then(
          (result: OfflineWriteResult | void) => {
            for (const problem of result?.problems ?? []) this.onError(problem);
          },
          (error: unknown) => this.fail(error),
        );
    this.closing = Promise.all([this.inFlight, last]).then(() => undefined);
    return this.closing;
  }

  private readonly onUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin === this) return;
    this.enqueue({ updates: [update], pending: [], acknowledged: [] });
  };

  private enqueue(changes: OfflineChanges): void {
    // Appended one by one: spreading a turn's 100,000s of changes into push() overflows the stack.
    for (const update of changes.updates) this.batch.updates.push(update);
    for (const entry of changes.pending) this.batch.pending.push(entry);
    for (const range of changes.acknowledged) this.batch.acknowledged.push(range);
    if (this.scheduled || this.closed) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      this.startWrite();
    });
  }

  private startWrite(): void {
    if (this.inFlight !== null || this.retryTimer !== null || this.closed || isEmptyChanges(this.batch)) return;
    const changes = this.takeBatch();
    this.inFlight = this.store.write(this.docName, changes).then(
      (result: OfflineWriteResult | void) => {
        this.retryDelay = RETRY_MIN_MS;
        // Stored; what the store worked around afterwards is reported, never written again.
        for (const problem of result?.problems ?? []) this.onError(problem);
      },
      (error: unknown) => {
        // Keep the changes: they go first in the next attempt.
        this.batch = {
          updates: [...changes.updates, ...this.batch.updates],
          pending: [...changes.pending, ...this.batch.pending],
          acknowledged: [...changes.acknowledged, ...this.batch.acknowledged],
        };
        this.fail(error);
        this.retryTimer = setTimeout(() => {
          this.retryTimer = null;
          this.startWrite();
        }, this.retryDelay);
        this.retryDelay = Math.min(this.retryDelay * 2, RETRY_MAX_MS);
      },
    );
    void this.inFlight.then(() => {
      this.inFlight = null;
      this.startWrite();
    });
  }

  private takeBatch(): OfflineChanges {
    const changes = this.batch;
    this.batch = emptyBatch();
    // Many updates of one turn (or of a failed write) are stored as one.
    if (changes.updates.length > 1) changes.updates = [mergeMany(changes.updates)];
    return changes;
  }

  private fail(error: unknown): void {
    const failure = error instanceof Error ? error : new Error(String(error));
    debug('%s: offline store write failed: %O', this.docName, failure);
    this.onError(failure);
  }
}
