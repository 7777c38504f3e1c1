/**
 * quire's server on its own HTTP server, from the compiled package (dist/, what `npx y-quire` and
 * an installed y-quire run; `npm run bench` rebuilds it when the sources changed). Running the
 * TypeScript sources through tsx instead would measure tsx: its esbuild transform keeps function
 * names with a `__name()` call that gives every closure created at run time its own property
 * array (~256 bytes more per closure), which read as ~3.4 KiB more heap per connection.
 * Without persistence it uses the MemoryStore; with a data directory, the LevelDB store.
 */
import { createServer, LevelDbStore, MemoryStore } from '../../dist/server/index.js';
import { hostServer } from './host.js';

hostServer(async ({ dataDir }) => {
  const store = dataDir === undefined ? new MemoryStore() : await LevelDbStore.open({ path: dataDir });
  // The workloads send one update per event-loop turn, far above what a person types; quire's
  // per-connection rate limits would throttle them (the peers have none), so they are raised here.
  const unlimited = { perSecond: 1e9, burst: 1e9 };
  // Every simulated user connects from 127.0.0.1: the per-address ceiling (256) would refuse most.
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
