/**
 * Local updates the server has not acknowledged yet: the single source of truth for what must
 * still reach the server. Every local update enters before it is sent; an ack removes the entries
 * it covered. Nothing leaves the queue any other way.
 */
import { mergeMany } from '../shared/merge-updates.js';
import type { PendingKey } from './offline/types.js';

export interface PendingEntry {
  readonly seq: number;
  readonly update: Uint8Array;
  /** Its record in the offline store when it was restored from another session; else null. */
  readonly restoredFrom: PendingKey | null;
}

export interface PendingBatch {
  /** The highest sequence number this batch covers. */
  readonly throughSeq: number;
  readonly update: Uint8Array;
}

export class PendingQueue {
  private entries: PendingEntry[] = [];
  private nextSeq = 1;
  /** Entries up to this seq have been sent on the current connection. */
  private sentThrough = 0;
  private totalBytes = 0;

  constructor(initial: readonly Uint8Array[] = []) {
    for (const update of initial) this.push(update);
  }

  get count(): number {
    return this.entries.length;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  get lastSeq(): number {
    return this.nextSeq - 1;
  }

  updates(): Uint8Array[] {
    return this.entries.map((entry) => entry.update);
  }

  push(update: Uint8Array, restoredFrom: PendingKey | null = null): PendingEntry {
    const entry = { seq: this.nextSeq++, update, restoredFrom };
    this.entries.push(entry);
    this.totalBytes += update.byteLength;
    return entry;
  }

  /** Merges what has not been sent on this connection yet into one update, and marks it sent. */
  takeUnsent(): PendingBatch | null {
    const unsent = this.entries.filter((entry) => entry.seq > this.sentThrough);
    if (unsent.length === 0) return null;
    const throughSeq = unsent[unsent.length - 1]!.seq;
    this.sentThrough = throughSeq;
    const update = mergeMany(unsent.map((e) => e.update));
    return { throughSeq, update };
  }

  /** Treats everything queued so far as sent (it travels inside a handshake step 2). */
  markAllSent(): number {
    this.sentThrough = this.lastSeq;
    return this.sentThrough;
  }

  /** The server made everything up to `seq` durable. Returns the entries this removed. */
  acknowledge(throughSeq: number): PendingEntry[] {
    // Entries are in seq order, so the acknowledged ones are a prefix.
    let end = 0;
    while (end < this.entries.length && this.entries[end]!.seq <= throughSeq) end++;
    if (end === 0) return [];
    const removed = this.entries.slice(0, end);
    this.entries = this.entries.slice(end);
    for (const entry of removed) this.totalBytes -= entry.update.byteLength;
    return removed;
  }

  /** The connection dropped: whatever was in flight must be sent again. */
  resetSent(): void {
    this.sentThrough = 0;
  }
}
