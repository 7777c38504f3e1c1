import { LevelDbStore } from '../../server/persistence/leveldb-store.js';
import { MemoryStore } from '../../server/persistence/memory-store.js';
import type { DocumentStore } from '../../server/persistence/types.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { describeVersionStoreContract } from '../helpers/persistence/version-store-contract.js';

describeVersionStoreContract('MemoryStore', async () => {
  const store = new MemoryStore();
  return { store, cleanup: () => store.close() };
});

describeVersionStoreContract('LevelDbStore', async () => {
  const dir = await makeTempDir('versions');
  let current: DocumentStore = await LevelDbStore.open({ path: dir.path });
  return {
    store: current,
    reopen: async () => {
      await current.close();
      current = await LevelDbStore.open({ path: dir.path });
      return current;
    },
    cleanup: async () => {
      await current.close();
      await dir.remove();
    },
  };
});
