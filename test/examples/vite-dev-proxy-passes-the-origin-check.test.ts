import type { AddressInfo } from 'node:net';
import { Manager } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer as createViteServer, type ViteDevServer } from 'vite';
import { connectSynced, destroyClients } from '../helpers/clients.js';
import { type RunningServer, startServer } from '../helpers/server.js';

/**
 * `npm run dev:editor` serves the page from Vite's origin and proxies /socket.io to `npm start`.
 * Same-origin checking must keep that working with no configuration: the proxy keeps the Host
 * header, so the page's origin names the host the server sees.
 */
describe('the examples’ Vite dev proxy passes the same-origin check', () => {
  let running: RunningServer;
  let vite: ViteDevServer;
  let viteUrl: string;

  beforeAll(async () => {
    running = await startServer();
    process.env['QUIRE_DEV_TARGET'] = running.url;
    const { exampleViteConfig } = await import('../../examples/vite.shared.js');
    const config = exampleViteConfig('rich-text');
    vite = await createViteServer({
      ...config,
      configFile: false,
      logLevel: 'silent',
      server: { ...config.server, host: '127.0.0.1', port: 0 },
    });
    await vite.listen();
    viteUrl = `http://127.0.0.1:${(vite.httpServer!.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    delete process.env['QUIRE_DEV_TARGET'];
    await vite?.close();
    await running?.close();
  });

  it('syncs a page on the Vite origin through the proxy, over long-polling and WebSocket', async () => {
    for (const transports of [['polling'], ['websocket']] as const) {
      // What the browser sends for a page served by Vite.
      const manager = new Manager(viteUrl, { transports: [...transports], extraHeaders: { origin: viteUrl }, autoConnect: false });
      const client = await connectSynced(viteUrl, `dev-proxy-${transports[0]}`, { manager });
      expect(client.provider.synced).toBe(true);
      destroyClients([client]);
      manager._close();
    }
  });
});
