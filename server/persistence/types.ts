import type { VersionRecordStore } from '../versions/types.js';

/**
 * The persistence seam. The core only ever talks to a DocumentStore, so LevelDB, memory and
 * (later) PostgreSQL stores are interchangeable; one contract suite runs against each.
 *
 * Durability contract: `append` resolves only once the update is durable (on disk for disk
 * stores); the server acknowledges a client's update only after that. A store may group the
 * appends issued in one event-loop turn, across documents, into one write.
 */
export interface StoredDocumentInfo {
  name: string;
  /** Bytes stored for this document (snapshot plus log). */
  bytes: number;
  /** Milliseconds since the epoch of the last write, when the store knows it. */
  updatedAt: number | null;
  /**
   * Set when the store cannot read this document's records (`load` rejects for it); `bytes`
   * and `updatedAt` are then unknown (0 and null). Listing never fails because of one document.
   */
  problem?: string;
}

/**
 * Whether a store takes writes now. A store that can fail and recover (a disk store) reports it
 * so the server can fail its readiness and say why; stores that cannot fail need not implement it.
 */
export interface StoreHealth {
  /** True while writes are accepted and acknowledged. */
  accepting: boolean;
  /**
   * Why not, as a stable code: 'write-failed' (recovering after a failed write), 'directory-missing',
   * 'directory-replaced', 'closed', or another code the store documents.
   */
  reason?: string;
  /** A sentence for logs and /readyz. */
  detail?: string;
  /** Milliseconds since the epoch when it stopped accepting. */
  since?: number;
}

/**
 * Which session may write under which Yjs client id, kept by a store several servers share
 * (PostgreSQL), so a claim made through one server holds on every other: the first claim the
 * store commits wins. Owners are opaque strings (hashed session keys).
 */
export interface SharedClientIdOwners {
  /**
   * Claims for `owner` each id of `claim` that nobody owns yet, and returns the owner of every id of
   * `claim` and `lookUp` that has one (an id missing from the result is owned by nobody).
   */
  claimClientIds(docName: string, claim: readonly number[], owner: string, lookUp: readonly number[]): Promise<Map<number, string>>;
  /** Every owner recorded for the document. */
  readClientIdOwners(docName: string): Promise<Map<number, string>>;
}

/** A loaded document's whole state, and how far it has integrated each client's structs. */
export interface LiveSnapshot {
  update: Uint8Array;
  clockOf: (client: number) => number;
}

/**
 * Encodes a loaded document's whole state, or answers null when it cannot now (the document is
 * closing). It must cover every append of that document issued before the call: the server's
 * document appends each change in the turn it applies it, so its Y.Doc always does.
 */
export type LiveSnapshotSource = () => LiveSnapshot | null;

/**
 * Document names are strings of 0–255 bytes of well-formed UTF-8 (any characters, '/' included;
 * the core further requires shared/doc-name.ts). A store may reject other names.
 */
export interface DocumentStore {
  /**
   * Every stored update of the document, oldest first (a compacted snapshot counts as one);
   * an empty array when nothing is stored. Rejects when this document's records are corrupt;
   * other documents are unaffected.
   */
  load(name: string): Promise<Uint8Array[]>;
  /**
   * Whether any record of the document is stored, without reading its updates (it may be huge):
   * what `delete` and the admin API ask before acting. True also when the records are corrupt.
   */
  has(name: string): Promise<boolean>;
  /** Resolves once `update` is durable; rejects when the write failed (nothing is acknowledged). */
  append(name: string, update: Uint8Array): Promise<void>;
  /** Removes every record of the document, its versions included. */
  delete(name: string): Promise<void>;
  /** The stored documents. */
  list(): Promise<StoredDocumentInfo[]>;
  /**
   * Optional: whether writes are accepted now. While not, `append` rejects at once and nothing is
   * acknowledged; the store recovers on its own when it can (see `StoreHealth`).
   */
  health?(): StoreHealth;
  /**
   * Version history records (server/versions/types.ts); a store without them cannot keep
   * versions, and the version API answers VERSIONS_UNAVAILABLE.
   */
  readonly versions?: VersionRecordStore;
  /**
   * Client-id owners decided by the store itself, for a store several servers share; absent, the
   * server keeps them in a shadow document of the store (server/core/client-id-owners.ts).
   */
  readonly clientIdOwners?: SharedClientIdOwners;
  /**
   * Optional: the server offers its loaded copy of a document, whose whole state covers every
   * append of it issued so far, so that the store can compact from it instead of merging what it
   * holds. Returns a function that withdraws the offer (the document unloads).
   */
  provideLiveSnapshots?(name: string, source: LiveSnapshotSource): () => void;
  /** Waits for writes in flight, then releases the store. Idempotent. */
  close(): Promise<void>;
}
