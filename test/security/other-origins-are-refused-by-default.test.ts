import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server as SocketIoServer } from 'socket.io';
import { io as connectSocket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createServer } from '../../server/index.js';
import { PROTOCOL_VERSION } from '../../shared/protocol/version.js';
import { type RunningServer, startServer } from '../helpers/server.js';

const foreign = 'https://evil.example.net';

/** A document connection as a browser page on `origin` would open it; resolves with the outcome. */
function openDocument(url: string, origin: string | undefined, transports: ('polling' | 'websocket')[]): Promise<string> {
  const socket = connectSocket(`${url}/doc/notes`, {
    forceNew: true,
    reconnection: false,
    transports,
    auth: { protocol: PROTOCOL_VERSION },
    ...(origin === undefined ? {} : { extraHeaders: { origin } }),
  });
  return new Promise((resolve) => {
    socket.once('connect', () => {
      socket.close();
      resolve('connected');
    });
    socket.once('connect_error', (error: Error & { data?: { code?: string } }) => {
      socket.close();
      resolve(error.data?.code ?? 'transport refused');
    });
  });
}

describe('without corsOrigins only the server’s own pages (and non-browser clients) may connect', () => {
  let running: RunningServer | null = null;
  afterEach(async () => {
    await running?.close();
    running = null;
  });

  it('refuses a page from another site on WebSocket and long-polling, admits its own origin and clients without an Origin', async () => {
    running = await startServer();
    const own = running.url; // http://127.0.0.1:<port>, what a page the server served sends
    for (const transports of [['websocket'], ['polling']] as const) {
      expect(await openDocument(running.url, foreign, [...transports])).toBe('transport refused');
      // A page on the same host but another port is another origin too (a dev tool, another app).
      expect(await openDocument(running.url, 'http://127.0.0.1:1', [...transports])).toBe('transport refused');
      expect(await openDocument(running.url, own, [...transports])).toBe('connected');
      expect(await openDocument(running.url, undefined, [...transports])).toBe('connected');
    }
  });

  it('holds on an application’s own Socket.io server too, with a code the provider treats as final', async () => {
    const http = createHttpServer();
    const io = new SocketIoServer(http, { cors: { origin: foreign } });
    io.of('/chat').on('connection', () => {});
    const quire = createServer({ io });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    try {
      expect(await openDocument(url, foreign, ['websocket'])).toBe('ORIGIN_NOT_ALLOWED');
      expect(await openDocument(url, url, ['websocket'])).toBe('connected');
      // The application's own namespaces keep the application's CORS settings.
      const chat = connectSocket(`${url}/chat`, {
        forceNew: true,
        reconnection: false,
        transports: ['websocket'],
        extraHeaders: { origin: foreign },
      });
      await new Promise<void>((resolve, reject) => {
        chat.once('connect', () => resolve());
        chat.once('connect_error', reject);
      });
      chat.close();
    } finally {
      await quire.close();
      await new Promise((resolve) => io.close(() => resolve(undefined)));
    }
  });

  it('admits a configured origin next to its own', async () => {
    running = await startServer({ corsOrigins: [foreign] });
    expect(await openDocument(running.url, foreign, ['websocket'])).toBe('connected');
    expect(await openDocument(running.url, running.url, ['websocket'])).toBe('connected');
    expect(await openDocument(running.url, 'https://other.example.org', ['websocket'])).toBe('transport refused');
  });
});
