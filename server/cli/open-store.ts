import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Logger } from '../observability/logger.js';
import { MemoryStore } from '../persistence/memory-store.js';
import type { DocumentStore } from '../persistence/types.js';

export interface StoreCounters {
  compactions: number;
  failedCompactions: number;
}

export interface OpenedStore {
  store: DocumentStore;
  /** The store's own compaction counters, when it keeps them (for metrics). */
  counters?: () => StoreCounters;
}

/** What the CLI uses of the LevelDB store (server/persistence/leveldb-store.ts). */
interface LevelDbStoreLike extends DocumentStore {
  writeStats?(): StoreCounters;
}
interface LevelDbStoreModule {
  LevelDbStore: { open(options: { path: string; sync?: boolean }): Promise<LevelDbStoreLike> };
}

/**
 * Opens the LevelDB store under `dataDir`. Errors (a directory another running server holds, one
 * that cannot be created) propagate with their message for the CLI to print.
 */
export async function openStore(options: { dataDir: string; fsync: boolean; logger: Logger }): Promise<OpenedStore> {
  const path = resolve(options.dataDir);
  await mkdir(path, { recursive: true });
  const module = await loadLevelDbModule();
  if (module === null) {
    options.logger.warn({ dataDir: path }, 'the LevelDB store is not part of this build; documents are kept in memory only');
    return { store: new MemoryStore() };
  }
  const store = await module.LevelDbStore.open({ path, sync: options.fsync });
  const stats = store.writeStats?.bind(store);
  return stats === undefined ? { store } : { store, counters: () => stats() };
}

// Resolved at run time while the LevelDB store is being merged; becomes a static import after.
async function loadLevelDbModule(): Promise<LevelDbStoreModule | null> {
  const specifier = '../persistence/leveldb-store.js';
  try {
    return (await import(specifier)) as LevelDbStoreModule;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') return null;
    throw error;
  }
}
