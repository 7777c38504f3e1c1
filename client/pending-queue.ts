/**
 * Local updates the server has not acknowledged yet: the single source of truth for what must
 * still reach the server. Every local update enters before it is sent. Entries travel in batches
 * (one message each); the server's ack of a batch removes exactly that batch's entries, and a
 * refusal puts exactly them back to be sent again. Nothing leaves the queue any other way.
 */
import type { PendingKey } from './offline/types.js';

export interface PendingEntry {
  readonly seq: number;
  readonly update: Uint8Array;
  /** Its record in the offline store when it was restored from another session; else null. */
  readonly restoredFrom: PendingKey | null;
}

interface QueuedEntry extends PendingEntry {
  /** The batch it is in flight in, or null when it waits to be sent. */
  batch: number | null;
}

export class PendingQueue {
  /** seq → entry, oldest first. Every operation on the hot path touches only the entries it concerns. */
  private readonly entries = new Map<number, QueuedEntry>();
  /** The entries waiting to be sent (batch null), oldest first. */
  private waiting = new Map<number, QueuedEntry>();
  /** Batch id → the entries it carries. */
  private readonly batches = new Map<number, QueuedEntry[]>();
  private nextSeq = 1;
  private nextBatch = 1;
  private totalBytes = 0;

  get count(): number {
    return this.entries.size;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  get lastSeq(): number {
    return this.nextSeq - 1;
  }

  /** Batches sent and neither acknowledged nor refused. */
  get inFlight(): number {
    return this.batches.size;
  }

  /** Every entry still pending, oldest first. */
  remaining(): readonly PendingEntry[] {
    return [...this.entries.values()];
  }

  updates(): Uint8Array[] {
    return [...this.entries.values()].map((entry) => entry.update);
  }

  push(update: Uint8Array, restoredFrom: PendingKey | null = null): PendingEntry {
    const entry: QueuedEntry = { seq: this.nextSeq++, update, restoredFrom, batch: null };
    this.entries.set(entry.seq, entry);
    this.waiting.set(entry.seq, entry);
    this.totalBytes += update.byteLength;
    return entry;
  }

  /** Entries waiting to be sent, oldest first. */
  unsent(): PendingEntry[] {
    return [...this.waiting.values()];
  }

  /** Marks these entries as sent in one new batch; returns its id. */
  send(entries: readonly PendingEntry[]): number {
    const id = this.nextBatch++;
    const members = entries.map((entry) => entry as QueuedEntry);
    for (const entry of members) {
      entry.batch = id;
      this.waiting.delete(entry.seq);
    }
    this.batches.set(id, members);
    return id;
  }

  /** Sends every entry, in flight or not, in one batch (a handshake's step 2 covers them all). */
  sendAll(): number {
    return this.send([...this.entries.values()]);
  }

  /** The server made this batch durable: removes exactly its entries. Returns what it removed. */
  acknowledge(batch: number): PendingEntry[] {
    const members = this.batches.get(batch);
    if (members === undefined) return [];
    this.batches.delete(batch);
    // An entry also in a later batch (a resend) is gone from the queue, so that batch's ack skips it.
    const removed = members.filter((entry) => this.entries.get(entry.seq) === entry);
    for (const entry of removed) {
      this.entries.delete(entry.seq);
      this.waiting.delete(entry.seq);
      this.totalBytes -= entry.update.byteLength;
    }
    return removed;
  }

  /** The server refused this batch: its entries wait to be sent again. */
  refuse(batch: number): void {
    const members = this.batches.get(batch);
    if (members === undefined) return;
    this.batches.delete(batch);
    let returned = false;
    for (const entry of members) {
      if (entry.batch !== batch || this.entries.get(entry.seq) !== entry) continue;
      entry.batch = null;
      returned = true;
    }
    if (returned) this.rebuildWaiting();
  }

  /** Takes every entry out (they are replaced by one rewritten entry); in-flight answers mean nothing. */
  removeAll(): PendingEntry[] {
    const removed = [...this.entries.values()];
    this.entries.clear();
    this.waiting.clear();
    this.batches.clear();
    this.totalBytes = 0;
    return removed;
  }

  /** The connection dropped: whatever was in flight must be sent again, and old answers mean nothing. */
  resetSent(): void {
    this.batches.clear();
    for (const entry of this.entries.values()) entry.batch = null;
    this.rebuildWaiting();
  }

  /** Refused or reset entries rejoin the waiting ones in sequence order (rare: a refusal, a reconnect). */
  private rebuildWaiting(): void {
    this.waiting = new Map([...this.entries].filter(([, entry]) => entry.batch === null));
  }
}
