/**
 * quire's server on its own HTTP server. Without persistence it uses the MemoryStore; with a data
 * directory, the LevelDB store (loaded by path at run time, so this file runs before that store exists).
 */
import { createServer, MemoryStore, type DocumentStore } from '../../server/index.js';
import { hostServer } from './host.js';

interface LevelStoreModule {
  [name: string]: unknown;
}

/** Finds the LevelDB store's class in its module without knowing its exact export name. */
async function openLevelStore(dataDir: string): Promise<DocumentStore> {
  const path = '../../server/persistence/leveldb-store.js';
  let module: LevelStoreModule;
  try {
    module = (await import(path)) as LevelStoreModule;
  } catch (error) {
    throw new Error(`quire's LevelDB store (server/persistence/leveldb-store.ts) is not available: ${String(error)}`);
  }
  const ctor = Object.values(module).find(
    (value): value is new (location: string) => DocumentStore => typeof value === 'function' && /level/i.test(value.name),
  );
  if (ctor === undefined) throw new Error('no LevelDB store class exported by server/persistence/leveldb-store.ts');
  const store = new ctor(dataDir) as DocumentStore & { open?: () => Promise<void> };
  await store.open?.();
  return store;
}

hostServer(async ({ dataDir }) => {
  const store = dataDir === undefined ? new MemoryStore() : await openLevelStore(dataDir);
  const server = createServer({ store });
  const { port } = await server.listen(0, '127.0.0.1');
  return {
    port,
    counts: () => ({ docs: server.registry.loadedCount, connections: server.io.engine.clientsCount }),
    close: () => server.close(),
  };
});
