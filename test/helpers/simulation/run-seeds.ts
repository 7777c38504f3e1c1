/**
 * Runs schedules for a list of seeds against one store kind; the memory store survives a restart
 * like a disk, the LevelDB store is closed and opened again (one directory, a document per seed).
 */
import { LevelDbStore } from '../../../server/persistence/leveldb-store.js';
import { MemoryStore } from '../../../server/persistence/memory-store.js';
import type { DocumentStore } from '../../../server/persistence/types.js';
import { makeTempDir } from '../temp-dir.js';
import { runWorld } from './world.js';

export type StoreKind = 'memory' | 'leveldb';

export interface SeedsResult {
  schedules: number;
  saves: number;
  steps: number;
}

export async function runSeeds(kind: StoreKind, seeds: Iterable<number>, concurrent = false): Promise<SeedsResult> {
  const dir = kind === 'leveldb' ? await makeTempDir('simulation') : null;
  const open = async (): Promise<DocumentStore> => (dir === null ? new MemoryStore() : LevelDbStore.open({ path: dir.path }));
  const reopen = async (store: DocumentStore): Promise<DocumentStore> => {
    if (dir === null) return store;
    await store.close();
    return open();
  };
  let store = await open();
  const result: SeedsResult = { schedules: 0, saves: 0, steps: 0 };
  try {
    for (const seed of seeds) {
      const run = await runWorld({ seed, docName: `doc-${seed}`, store, reopenStore: reopen, concurrent });
      store = run.finalStore;
      result.schedules++;
      result.saves += run.saves;
      result.steps += run.steps;
    }
  } finally {
    await store.close();
    await dir?.remove();
  }
  return result;
}
