import 'fake-indexeddb/auto';
import { removeTempDirs, tempDir } from '../helpers/temp-dir.js';
import { offlineStoreContract } from '../helpers/offline/store-contract.js';
import { MemoryOfflineStore } from '../../client/offline/memory-store.js';
import { IndexedDbOfflineStore } from '../../client/offline/indexeddb-store.js';
import { FileOfflineStore } from '../../client/offline/file-store.js';

offlineStoreContract('MemoryOfflineStore', async () => {
  // One instance is the backing data: a memory store "reopens" as itself, unclosed.
  let store: MemoryOfflineStore | null = null;
  return {
    async open(options) {
      store ??= new MemoryOfflineStore(options);
      const shared = store;
      return { load: (n) => shared.load(n), write: (n, c) => shared.write(n, c), delete: (n) => shared.delete(n), close: async () => {} };
    },
    async cleanup() {},
  };
});

let databases = 0;
offlineStoreContract(
  'IndexedDbOfflineStore (fake-indexeddb; Chromium: test/browser/indexeddb-offline-store-survives-closed-tab.test.ts)',
  async () => {
    const name = `quire-offline-contract-${++databases}`;
    return {
      async open(options) {
        return new IndexedDbOfflineStore({ name, ...options });
      },
      async cleanup() {},
    };
  },
);

offlineStoreContract('FileOfflineStore', async () => {
  const directory = await tempDir('offline');
  return {
    async open(options) {
      return new FileOfflineStore({ directory, ...options });
    },
    cleanup: removeTempDirs,
  };
});
