import { LevelDbStore } from '../../server/persistence/leveldb-store.js';
import { MemoryStore } from '../../server/persistence/memory-store.js';
import type { DocumentStore } from '../../server/persistence/types.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { describeStoreContract } from '../helpers/persistence/store-contract.js';

describeStoreContract('MemoryStore', async () => {
  const store = new MemoryStore();
  return { store, cleanup: () => store.close() };
});

describeStoreContract('LevelDbStore', async () => {
  const dir = await makeTempDir('contract');
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
