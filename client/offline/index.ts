/** Browser-safe offline stores. The Node file store has its own entry: `y-quire/client/file-store`. */
export { IndexedDbOfflineStore, type IndexedDbOfflineStoreOptions } from './indexeddb-store.js';
export { MemoryOfflineStore, type MemoryOfflineStoreOptions } from './memory-store.js';
export { OfflineStoreProblem, type OfflineStoreProblemKind } from './problems.js';
export type {
  AcknowledgedRange,
  OfflineWriteResult,
  OfflineChanges,
  OfflineStore,
  PendingKey,
  StoredDocument,
  StoredPending,
} from './types.js';
