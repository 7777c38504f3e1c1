/**
 * Version history: the record layer every store implements, and what the API shows.
 *
 * A version is a stored document state, never a bare Y.snapshot: the server's documents run with
 * `gc: true` and compaction rewrites the log, so a snapshot would point at content that is gone.
 * Each version keeps its metadata (with the encoded Y.snapshot, to tell "changed since?") and a
 * payload that is either the whole state (a keyframe) or the difference from the version before
 * it (a delta). The chain logic (chain.ts) is shared; a store only keeps records, atomically.
 */

import type { VersionInfo } from '../../shared/versions.js';

export { VERSION_KINDS, type VersionInfo, type VersionKind } from '../../shared/versions.js';

/** A version as the record layer keeps it: the public fields plus how its payload is encoded. */
export interface VersionRecord extends VersionInfo {
  payload: 'keyframe' | 'delta';
  /** Y.encodeSnapshot of the state: its state vector and delete set. */
  snapshot: Uint8Array;
}

/** One atomic change to a document's versions. */
export interface VersionChange {
  /**
   * New or rewritten records with their payload bytes. `isNew` marks a record the chain adds (the
   * next id): a store several servers share refuses it when that id exists already
   * (VersionIdTakenError) instead of writing over another server's version.
   */
  put: { record: VersionRecord; payload: Uint8Array; isNew?: boolean }[];
  /** Ids whose record and payload go. */
  remove: number[];
}

/**
 * The storage seam for versions, shaped for LevelDB, memory and PostgreSQL alike: a document's
 * versions live in their own key range (or table), never touched by compaction of the document.
 *
 * Ordering contract: `commitVersions` is written after every `append` of the same store issued
 * before it, so a durable version implies durable content.
 */
export interface VersionRecordStore {
  /** The document's versions, oldest first. Rejects when its version records are corrupt. */
  listVersions(docName: string): Promise<VersionRecord[]>;
  /** The payloads of these versions, in the order asked; rejects when one is missing or corrupt. */
  readVersionPayloads(docName: string, ids: readonly number[]): Promise<Uint8Array[]>;
  /** Applies one change atomically: all of it is written, or none. */
  commitVersions(docName: string, change: VersionChange): Promise<void>;
  /** Removes every version of the document. */
  deleteAllVersions(docName: string): Promise<void>;
}
