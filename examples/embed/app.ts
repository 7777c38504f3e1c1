/**
 * An existing application — an Express app on a plain `http` server, with its own Socket.io
 * server (custom path, its own events) — that gains collaborative documents by attaching quire.
 * quire adds only its document namespaces (`/doc/<name>`) to the app's Socket.io server; the
 * app's routes, default namespace and events are untouched, and so is the app's HTTP server.
 */
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { Server as SocketIoServer } from 'socket.io';
import { createServer as createQuire, MemoryStore, type DocumentStore, type QuireServer } from 'y-quire/server';

/** The app's Socket.io endpoint; quire clients must be given the same `path`. */
export const SOCKET_PATH = '/realtime';

export interface EmbeddedApp {
  url: string;
  httpServer: HttpServer;
  io: SocketIoServer;
  quire: QuireServer;
  close(): Promise<void>;
}

export async function startEmbeddedApp({
  port = 0,
  store = new MemoryStore(),
}: {
  port?: number;
  store?: DocumentStore;
} = {}): Promise<EmbeddedApp> {
  // The app as it was before quire: routes, an HTTP server, Socket.io with its own events.
  const app = express();
  app.get('/api/health', (_req, res) => {
    res.json({ ok: true });
  });
  const httpServer = createHttpServer(app);
  const io = new SocketIoServer(httpServer, { path: SOCKET_PATH });
  io.on('connection', (socket) => {
    socket.on('chat', (text: unknown, ack?: (reply: string) => void) => {
      if (typeof text !== 'string') return;
      socket.broadcast.emit('chat', text);
      ack?.('delivered');
    });
  });

  // Attach quire: it serves documents through the app's Socket.io server.
  const quire = createQuire({ io, store });

  // Server-side document access, next to the app's own routes: edits reach connected clients.
  app.get('/api/documents/:name/text', async (req, res) => {
    const handle = await quire.openDocument(req.params.name).catch(() => null);
    if (handle === null) {
      res.status(400).json({ error: 'not a usable document name' });
      return;
    }
    try {
      res.json({ text: handle.doc.getText('text').toString() });
    } finally {
      await handle.release();
    }
  });

  await new Promise<void>((resolve) => httpServer.listen(port, '127.0.0.1', resolve));
  const { port: boundPort } = httpServer.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${boundPort}`,
    httpServer,
    io,
    quire,
    async close() {
      // quire first: it flushes documents and disconnects only its own sockets.
      await quire.close();
      await new Promise<void>((resolve) => io.close(() => resolve()));
    },
  };
}
