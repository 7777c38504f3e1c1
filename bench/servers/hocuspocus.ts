/**
 * Hocuspocus 3.x server. Bound to 127.0.0.1 by listening on its http server ourselves
 * (`Server#listen` passes `address`, which Node's listen ignores, so it would bind every interface).
 * Persistence: the official Database extension (debounced whole-document snapshots, Hocuspocus'
 * own model) backed by LevelDB, so the store is the same engine as the other servers use.
 */
import type { AddressInfo } from 'node:net';
import { Server } from '@hocuspocus/server';
import { Database } from '@hocuspocus/extension-database';
import { hostServer } from './host.js';
import { openLevel } from './level-kv.js';

hostServer(async ({ dataDir }) => {
  const level = dataDir === undefined ? null : await openLevel(dataDir);
  const extensions =
    level === null
      ? []
      : [
          new Database({
            fetch: async ({ documentName }) => level.get(documentName),
            store: async ({ documentName, state }) => level.put(documentName, state),
          }),
        ];
  const server = new Server({ quiet: true, stopOnSignals: false, extensions });
  await new Promise<void>((resolve) => server.httpServer.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.httpServer.address() as AddressInfo).port,
    counts: () => ({
      docs: server.hocuspocus.getDocumentsCount(),
      connections: server.hocuspocus.getConnectionsCount(),
    }),
    close: async () => {
      await server.destroy();
      await level?.close();
    },
  };
});
