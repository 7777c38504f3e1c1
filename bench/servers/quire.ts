/**
 * quire's server on its own HTTP server. Without persistence it uses the MemoryStore; with a data
 * directory, the LevelDB store (loaded by path at run time, so this file runs before that store exists).
 */
import { createServer, MemoryStore, type DocumentStore } from '../../server/index.js';
import { hostServer } from './host.js';

interface LevelDbStoreModule {
  LevelDbStore: { open(options: { path: string }): Promise<DocumentStore> };
}

async function openLevelStore(dataDir: string): Promise<DocumentStore> {
  // A variable specifier keeps this file type-checking and running before the store has landed.
  const path = '../../server/persistence/leveldb-store.js';
  let module: LevelDbStoreModule;
  try {
    module = (await import(path)) as LevelDbStoreModule;
  } catch (error) {
    throw new Error(`quire's LevelDB store (server/persistence/leveldb-store.ts) is not available: ${String(error)}`);
  }
  return module.LevelDbStore.open({ path: dataDir });
}

hostServer(async ({ dataDir }) => {
  const store = dataDir === undefined ? new MemoryStore() : await openLevelStore(dataDir);
  // The workloads send one update per event-loop turn, far above what a person types; quire's
  // per-connection rate limits would throttle them (the peers have none), so they are raised here.
  const unlimited = { perSecond: 1e9, burst: 1e9 };
  // Every simulated user connects from 127.0.0.1, which the per-address ceiling (256) would refuse.
  const server = createServer({
    store,
    maxConnectionsPerAddress: 100_000,
    rateLimits: { updates: unlimited, updateBytes: unlimited, awareness: unlimited, syncs: unlimited, joins: unlimited },
  });
  const { port } = await server.listen(0, '127.0.0.1');
  return {
    port,
    counts: () => ({ docs: server.registry.loadedCount, connections: server.io.engine.clientsCount }),
    close: () => server.close(),
  };
});
