import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server as SocketIoServer } from 'socket.io';
import { io as connectSocket } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import { createServer } from '../../server/index.js';
import { connectSynced, destroyClients } from '../helpers/clients.js';
import { converged } from '../helpers/convergence.js';
import { waitFor } from '../helpers/wait-for.js';

async function listen(server: ReturnType<typeof createHttpServer>): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('quire attaches to servers an app already has', () => {
  it('shares an existing http.Server with the app’s own routes, under a custom path', async () => {
    const http = createHttpServer((req, res) => {
      if (req.url === '/api/hello') res.end('app route');
    });
    const quire = createServer({ httpServer: http, path: '/collab' });
    const url = await listen(http);
    expect(await (await fetch(`${url}/api/hello`)).text()).toBe('app route');
    const clients = await Promise.all([0, 1].map(() => connectSynced(url, 'attached', { path: '/collab' })));
    clients[0]!.doc.getText('text').insert(0, 'over a custom path');
    await waitFor(() => converged(clients.map((c) => c.doc)), 'convergence');
    destroyClients(clients);
    await quire.close();
    // The app's server is still the app's to close.
    expect(http.listening).toBe(true);
    await new Promise((resolve) => http.close(resolve));
  });

  it('joins an existing Socket.io Server next to the app’s own namespaces and events', async () => {
    const http = createHttpServer();
    const io = new SocketIoServer(http);
    io.of('/chat').on('connection', (socket) => socket.on('ping-app', (ack: (v: string) => void) => ack('pong')));
    const quire = createServer({ io });
    const url = await listen(http);
    const chat = connectSocket(`${url}/chat`, { forceNew: true });
    expect(await chat.timeout(5_000).emitWithAck('ping-app')).toBe('pong');
    const clients = await Promise.all([0, 1].map(() => connectSynced(url, 'with-app')));
    clients[1]!.doc.getMap('map').set('k', 'v');
    await waitFor(() => converged(clients.map((c) => c.doc)), 'convergence');
    destroyClients(clients);
    await quire.close();
    // The app's namespace keeps working after quire closed.
    expect(await chat.timeout(5_000).emitWithAck('ping-app')).toBe('pong');
    chat.close();
    await new Promise((resolve) => io.close(() => resolve(undefined)));
  });
});
