import { resolve } from 'node:path';
import { LevelDbStore } from '../persistence/leveldb-store.js';
import type { StoreCounters } from '../observability/metrics.js';
import type { DocumentStore } from '../persistence/types.js';

export interface OpenedStore {
  store: DocumentStore;
  /** The store's own counters, when it keeps them (for metrics). */
  counters?: () => StoreCounters;
  /** The LevelDB store itself, for its open report and health events. */
  leveldb?: LevelDbStore;
}

/**
 * Opens the LevelDB store under `dataDir` (created when missing). Errors — a directory another
 * running server holds (StoreLockedError, which names it), one that cannot be created — propagate
 * with their message for the CLI to print.
 */
export async function openStore(options: {
  dataDir: string;
  fsync: boolean;
  compactAfterBytes: number;
  compactAfterUpdates: number;
}): Promise<OpenedStore> {
  // 0 in the configuration means "never by this measure", which the store spells Infinity.
  const threshold = (value: number) => (value === 0 ? Number.POSITIVE_INFINITY : value);
  const store = await LevelDbStore.open({
    path: resolve(options.dataDir),
    sync: options.fsync,
    compactAfterBytes: threshold(options.compactAfterBytes),
    compactAfterUpdates: threshold(options.compactAfterUpdates),
  });
  return {
    store,
    leveldb: store,
    counters: () => ({ ...store.writeStats(), damagedDocuments: store.damagedDocuments().length }),
  };
}
