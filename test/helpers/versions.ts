import type { LevelDbStore } from '../../server/persistence/leveldb-store.js';
import { LevelDbStore as LevelDb } from '../../server/persistence/leveldb-store.js';
import { MemoryStore } from '../../server/persistence/memory-store.js';
import type { DocumentStore } from '../../server/persistence/types.js';
import type { TestClient } from './clients.js';
import { waitFor } from './wait-for.js';
import { makeTempDir } from './temp-dir.js';

/** Every store that keeps versions, opened fresh; `cleanup` closes (if still open) and removes it. */
export const versionStores: Array<{ name: string; open: () => Promise<{ store: DocumentStore; cleanup: () => Promise<void> }> }> = [
  {
    name: 'MemoryStore',
    open: async () => ({ store: new MemoryStore(), cleanup: async () => {} }),
  },
  {
    name: 'LevelDbStore',
    open: async () => {
      const dir = await makeTempDir('versions');
      const store: LevelDbStore = await LevelDb.open({ path: dir.path });
      return {
        store,
        cleanup: async () => {
          await store.close();
          await dir.remove();
        },
      };
    },
  },
];

/** Resolves once the server acknowledged every local edit of the client. */
export function whenSaved(client: TestClient): Promise<void> {
  return waitFor(() => client.provider.pendingCount === 0, 'every edit acknowledged');
}
