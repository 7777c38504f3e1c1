/**
 * y-socket.io's server (`YSocketIO`) on a Socket.io server of its own. Persistence: its
 * `levelPersistenceDir` option (y-leveldb, one write per update).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { YSocketIO } from 'y-socket.io/dist/server';
import { hostServer } from './host.js';

hostServer(async ({ dataDir }) => {
  const httpServer = http.createServer();
  const io = new Server(httpServer);
  const ysocketio = new YSocketIO(io, { gcEnabled: true, ...(dataDir === undefined ? {} : { levelPersistenceDir: dataDir }) });
  ysocketio.initialize();
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  return {
    port: (httpServer.address() as AddressInfo).port,
    counts: () => ({ docs: ysocketio.documents.size, connections: io.engine.clientsCount }),
    close: async () => {
      await new Promise<void>((resolve) => io.close(() => resolve()));
    },
  };
});
