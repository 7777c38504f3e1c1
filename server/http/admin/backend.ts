import type { StoredDocumentInfo } from '../../persistence/types.js';
import type { ServerVersions } from '../../versions/service.js';

/**
 * What the admin API needs from the server, and no more: the routes depend on this interface,
 * never on createServer or its registry (server/admin-backend.ts builds it from a QuireServer).
 */
export interface AdminBackend {
  /** The stored documents. */
  listStored(): Promise<StoredDocumentInfo[]>;
  /** Whether the document is in memory now (clients connected, or within the unload grace). */
  isLoaded(name: string): boolean;
  /** A loaded document's whole state as one update; null when it is not loaded. Never loads it. */
  loadedState(name: string): Promise<Uint8Array | null>;
  /** Every stored update of the document (snapshot first); [] when nothing is stored. */
  storedUpdates(name: string): Promise<Uint8Array[]>;
  /** Applies an update as the server (it reaches connected clients); resolves once durable. */
  applyUpdate(name: string, update: Uint8Array): Promise<void>;
  /** Disconnects the document's clients and deletes it; false when it was neither stored nor loaded. */
  deleteDocument(name: string): Promise<boolean>;
  /** Re-runs authorization for open sessions (of one document, or all); ends those that lost or changed access. */
  recheckAccess(docName?: string): Promise<{ checked: number; revoked: number; changed: number }>;
  /** Version history of the documents. */
  readonly versions: ServerVersions;
  /** Revokes a subject's tokens issued until now; null when the server's authentication cannot (no JWT). */
  revokeSubject: ((subject: string) => void) | null;
}
