/**
 * The soak test's server: quire as `npm start` runs it (LevelDB, default limits and rate limits),
 * in its own child process so the driver measures the server's memory alone. Only the unload
 * grace is shortened (SOAK_UNLOAD_GRACE_MS), so "after the unload grace" comes sooner.
 */
import { createServer } from '../../server/index.js';
import { LevelDbStore } from '../../server/persistence/leveldb-store.js';
import { hostServer } from '../servers/host.js';

hostServer(async ({ dataDir }) => {
  if (dataDir === undefined) throw new Error('the soak server needs a data directory');
  const store = await LevelDbStore.open({ path: dataDir });
  const server = createServer({ store, unloadGraceMs: Number(process.env.SOAK_UNLOAD_GRACE_MS ?? 10_000) });
  const { port } = await server.listen(0, '127.0.0.1');
  return {
    port,
    counts: () => ({ docs: server.registry.loadedCount, connections: server.io.engine.clientsCount }),
    close: () => server.close(),
  };
});
