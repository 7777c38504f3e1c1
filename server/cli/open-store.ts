import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ServerObserver } from '../core/observer.js';
import { MemoryStore } from '../persistence/memory-store.js';
import type { DocumentStore } from '../persistence/types.js';

export interface OpenedStore {
  store: DocumentStore;
  /** Whether the store reports its own write batches and compactions to the observer. */
  reportsBatches: boolean;
}

/**
 * Opens the document store the CLI serves from. Errors (a data directory another server holds,
 * a directory that cannot be created) propagate with their message for the CLI to print.
 */
export async function openStore(options: { dataDir: string; fsync: boolean; observer: ServerObserver }): Promise<OpenedStore> {
  const path = resolve(options.dataDir);
  await mkdir(path, { recursive: true });
  // Interim until the LevelDB store lands on main: documents live in memory.
  return { store: new MemoryStore(), reportsBatches: false };
}
