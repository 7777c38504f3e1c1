/**
 * y-websocket 1.5.x's reference server (bin/utils.js `setupWSConnection`), wired the way its own
 * bin/server.js does it, with the `ws` version it ships with. Persistence: its YPERSISTENCE env
 * (y-leveldb, one write per update). Everything here is CommonJS, so the process holds one Yjs (CJS).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { hostServer } from './host.js';

interface WsServer {
  handleUpgrade(req: http.IncomingMessage, socket: unknown, head: Buffer, cb: (ws: unknown) => void): void;
  on(event: 'connection', listener: (ws: unknown, req: http.IncomingMessage) => void): void;
  emit(event: 'connection', ws: unknown, req: http.IncomingMessage): void;
  clients: Set<unknown>;
  close(): void;
}

interface YWebsocketUtils {
  setupWSConnection(conn: unknown, req: http.IncomingMessage, options?: { docName?: string; gc?: boolean }): void;
  docs: Map<string, unknown>;
  getPersistence(): { provider: { destroy(): Promise<void> } } | null;
}

hostServer(async ({ dataDir }) => {
  // utils.js reads YPERSISTENCE once, when it is first required.
  if (dataDir !== undefined) process.env.YPERSISTENCE = dataDir;
  const require = createRequire(import.meta.url);
  const utils = require('y-websocket/bin/utils') as YWebsocketUtils;
  // The ws that y-websocket itself depends on, as bin/server.js would load it.
  const requireFromPeer = createRequire(require.resolve('y-websocket/package.json'));
  const WebSocket = requireFromPeer('ws') as { Server: new (options: { noServer: boolean }) => WsServer };

  const wss = new WebSocket.Server({ noServer: true });
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.end('okay');
  });
  wss.on('connection', (ws, req) => utils.setupWSConnection(ws, req));
  server.on('upgrade', (req, socket, head) => {
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    counts: () => ({ docs: utils.docs.size, connections: wss.clients.size }),
    close: async () => {
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await utils.getPersistence()?.provider.destroy();
    },
  };
});
