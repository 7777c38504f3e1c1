/**
 * Stored records of one document as plain data, and the two operations every store performs on
 * them: applying a write, and compacting. Compaction works on the stored records alone (never on a
 * provider's Y.Doc), so it cannot drop what another writer of the same document stored.
 */
import { mergeMany } from '../../shared/merge-updates.js';
import type { OfflineChanges, StoredDocument, StoredPending } from './types.js';

export class DocumentRecords {
  updates: Uint8Array[] = [];
  /** session → seq → update */
  readonly pending = new Map<string, Map<number, Uint8Array>>();

  static from(stored: StoredDocument): DocumentRecords {
    const records = new DocumentRecords();
    records.apply({ updates: stored.updates, pending: stored.pending, acknowledged: [] });
    return records;
  }

  apply(changes: OfflineChanges): void {
    for (const update of changes.updates) this.updates.push(update);
    for (const { session, seq, update } of changes.pending) {
      let entries = this.pending.get(session);
      if (entries === undefined) this.pending.set(session, (entries = new Map()));
      entries.set(seq, update);
    }
    for (const { session, throughSeq } of changes.acknowledged) {
      const entries = this.pending.get(session);
      if (entries === undefined) continue;
      for (const seq of entries.keys()) if (seq <= throughSeq) entries.delete(seq);
      if (entries.size === 0) this.pending.delete(session);
    }
  }

  /**
   * Merges the document updates into one, and each session's pending records into one that keeps
   * the session's highest seq: it is then removed only by an ack that covers all of its parts.
   */
  compact(): void {
    if (this.updates.length > 1) this.updates = [mergeMany(this.updates)];
    for (const [session, entries] of this.pending) {
      if (entries.size <= 1) continue;
      const seqs = [...entries.keys()].sort((a, b) => a - b);
      const merged = mergeMany(seqs.map((seq) => entries.get(seq)!));
      this.pending.set(session, new Map([[seqs[seqs.length - 1]!, merged]]));
    }
  }

  toStored(): StoredDocument {
    const pending: StoredPending[] = [];
    for (const session of [...this.pending.keys()].sort()) {
      const entries = this.pending.get(session)!;
      for (const seq of [...entries.keys()].sort((a, b) => a - b)) {
        pending.push({ session, seq, update: entries.get(seq)! });
      }
    }
    return { updates: [...this.updates], pending };
  }

  get isEmpty(): boolean {
    return this.updates.length === 0 && this.pending.size === 0;
  }
}

/** Copies every buffer: callers may pass views into larger buffers that they reuse. */
export function copyChanges(changes: OfflineChanges): OfflineChanges {
  return {
    updates: changes.updates.map((update) => update.slice()),
    pending: changes.pending.map((entry) => ({ ...entry, update: entry.update.slice() })),
    acknowledged: changes.acknowledged.map((range) => ({ ...range })),
  };
}

export function changesBytes(changes: OfflineChanges): number {
  let bytes = 0;
  for (const update of changes.updates) bytes += update.byteLength;
  for (const entry of changes.pending) bytes += entry.update.byteLength;
  return bytes;
}
