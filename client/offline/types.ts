/**
 * The offline store seam: where a client keeps a document and its unacknowledged local updates so
 * that a reload, a crash or a closed tab while offline loses nothing. Stores are interchangeable
 * (memory, IndexedDB, file); one contract suite runs against each.
 *
 * A store holds, per document name:
 * - document updates (local and remote), in any order: Yjs applies them in any order;
 * - pending records: local updates the server has not acknowledged, keyed by the writing
 *   provider's session and its sequence number in that session.
 *
 * Several providers may write the same document concurrently (two tabs, or a provider reopened
 * before the old one's last write finished), so a store never replaces records it was not asked
 * to remove: compaction merges what is stored, it never overwrites it with one writer's view.
 */
import type { OfflineStoreProblem } from './problems.js';

/** Identifies a pending record: the provider session that queued it and its number there. */
export interface PendingKey {
  readonly session: string;
  readonly seq: number;
}

export interface StoredPending extends PendingKey {
  readonly update: Uint8Array;
}

export interface StoredDocument {
  /** Document updates; applying all of them restores the document. */
  readonly updates: Uint8Array[];
  /** Unacknowledged local updates, ordered by session, then seq. */
  readonly pending: StoredPending[];
  /** Damage found while loading: unreadable records were skipped, everything readable is above. */
  readonly problems?: OfflineStoreProblem[];
}

/** What a write worked around without failing (a compaction that failed after the write was stored). */
export interface OfflineWriteResult {
  readonly problems: OfflineStoreProblem[];
}

/** Pending records of `session` with `seq <= throughSeq` were acknowledged by the server. */
export interface AcknowledgedRange {
  readonly session: string;
  readonly throughSeq: number;
}

/** One write: everything a provider changed during one event-loop turn (or since the last write). */
export interface OfflineChanges {
  readonly updates: Uint8Array[];
  readonly pending: StoredPending[];
  readonly acknowledged: AcknowledgedRange[];
}

export interface OfflineStore {
  /** What is stored for the document; empty lists when nothing is. */
  load(docName: string): Promise<StoredDocument>;
  /**
   * Applies the changes atomically (all or nothing) and resolves once they are stored. Calls for
   * one document take effect in call order, and a `load` called after a `write` sees it. Rejects
   * only when the changes are not stored: whatever fails after that (compaction) is reported in
   * the result, so the caller does not write the same changes again.
   */
  write(docName: string, changes: OfflineChanges): Promise<OfflineWriteResult | void>;
  /** Removes everything stored for the document. */
  delete(docName: string): Promise<void>;
  /** Waits for writes in flight, then releases the store. Idempotent. */
  close(): Promise<void>;
}

export function isEmptyChanges(changes: OfflineChanges): boolean {
  return changes.updates.length === 0 && changes.pending.length === 0 && changes.acknowledged.length === 0;
}
