import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server as SocketIoServer } from 'socket.io';
import { io as connectSocket } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import { createServer } from '../../server/index.js';
import { connectSynced, destroyClients } from '../helpers/clients.js';
import { waitFor } from '../helpers/wait-for.js';

describe('quire attached to an application’s Socket.io server', () => {
  it('drops its own empty document namespaces but leaves the application’s namespaces as the application configured them', async () => {
    const http = createHttpServer();
    // Socket.io's default: child namespaces stay registered (with their state) when they empty.
    const io = new SocketIoServer(http);
    const rooms = io.of(/^\/room-\w+$/);
    rooms.on('connection', () => {});
    const quire = createServer({ io });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    try {
      expect(io._opts.cleanupEmptyChildNamespaces).toBe(false);
      const app = connectSocket(`${url}/room-lobby`, { forceNew: true, transports: ['websocket'] });
      await new Promise<void>((resolve) => app.once('connect', () => resolve()));
      const lobby = io._nsps.get('/room-lobby');
      const client = await connectSynced(url, 'attached-cleanup');
      expect(io._nsps.has('/doc/attached-cleanup')).toBe(true);
      app.close();
      destroyClients([client]);
      await waitFor(() => !io._nsps.has('/doc/attached-cleanup'), 'the empty document namespace to be dropped');
      await waitFor(() => lobby?.sockets.size === 0, 'the app client to leave');
      // The application's namespace is still the same registered object.
      expect(io._nsps.get('/room-lobby')).toBe(lobby);
    } finally {
      await quire.close();
      await new Promise((resolve) => io.close(() => resolve(undefined)));
    }
  });
});
