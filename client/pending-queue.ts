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
  private entries: QueuedEntry[] = [];
  /** Batch id → the entries it carries. */
  private readonly batches = new Map<number, QueuedEntry[]>();
  private nextSeq = 1;
  private nextBatch = 1;
  private totalBytes = 0;

  get count(): number {
    return this.entries.length;
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
    return this.entries;
  }

  updates(): Uint8Array[] {
    return this.entries.map((entry) => entry.update);
  }

  push(update: Uint8Array, restoredFrom: PendingKey | null = null): PendingEntry {
    const entry: QueuedEntry = { seq: this.nextSeq++, update, restoredFrom, batch: null };
    this.entries.push(entry);
    this.totalBytes += update.byteLength;
    return entry;
  }

  /** Entries waiting to be sent, oldest first. */
  unsent(): PendingEntry[] {
    return this.entries.filter((entry) => entry.batch === null);
  }

  /** Marks these entries as sent in one new batch; returns its id. */
  send(entries: readonly PendingEntry[]): number {
    const id = this.nextBatch++;
    const members = entries.map((entry) => entry as QueuedEntry);
    for (const entry of members) entry.batch = id;
    this.batches.set(id, members);
    return id;
  }

  /** Sends every entry, in flight or not, in one batch (a handshake's step 2 covers them all). */
  sendAll(): number {
    return this.send(this.entries);
  }

  /** The server made this batch durable: removes exactly its entries. Returns what it removed. */
  acknowledge(batch: number): PendingEntry[] {
    const members = this.batches.get(batch);
    if (members === undefined) return [];
    this.batches.delete(batch);
    const acknowledged = new Set(members);
    const removed = this.entries.filter((entry) => acknowledged.has(entry));
    if (removed.length === 0) return [];
    this.entries = this.entries.filter((entry) => !acknowledged.has(entry));
    // An entry also in a later batch (a resend) is gone from the queue, so that batch's ack skips it.
    for (const entry of removed) this.totalBytes -= entry.update.byteLength;
    return removed;
  }

  /** The server refused this batch: its entries wait to be sent again. */
  refuse(batch: number): void {
    const members = this.batches.get(batch);
    if (members === undefined) return;
    this.batches.delete(batch);
    for (const entry of members) if (entry.batch === batch) entry.batch = null;
  }

  /** Takes every entry out (they are replaced by one rewritten entry); in-flight answers mean nothing. */
  removeAll(): PendingEntry[] {
    const removed = this.entries;
    this.entries = [];
    this.batches.clear();
    this.totalBytes = 0;
    return removed;
  }

  /** The connection dropped: whatever was in flight must be sent again, and old answers mean nothing. */
  resetSent(): void {
    this.batches.clear();
    for (const entry of this.entries) entry.batch = null;
  }
}
