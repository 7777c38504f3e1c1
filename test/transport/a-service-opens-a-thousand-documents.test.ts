import { afterEach, describe, expect, it } from 'vitest';
import * as prng from 'lib0/prng';
import type { ErrorInfo } from '../../shared/errors.js';
import { type TestClient, connectClient, destroyClients } from '../helpers/clients.js';
import { documentsPerConnection } from '../helpers/connections.js';
import { type RunningServer, startServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait-for.js';

// The time it takes is measured by `npx tsx bench/open-many-documents.ts`, not asserted here.
describe('a headless service opens a thousand documents from one process with default settings', () => {
  let running: RunningServer;
  let clients: TestClient[] = [];

  afterEach(async () => {
    destroyClients(clients);
    clients = [];
    await running?.close();
  });

  it('syncs and saves every document without a refusal, over connections within the server’s limit', async () => {
    running = await startServer();
    const refusals: ErrorInfo[] = [];
    clients = Array.from({ length: 1_000 }, (_, i) => connectClient(running.url, `doc-${i}`));
    for (const { provider } of clients) {
      provider.on('connection-error', (info) => refusals.push(info));
      provider.on('notice', (info) => refusals.push(info));
    }
    await Promise.all(clients.map(({ provider }) => provider.whenSynced()));
    clients.forEach(({ doc }, i) => doc.getText('text').insert(0, `text ${i}`));
    await waitFor(() => clients.every(({ provider }) => provider.pendingCount === 0), 'all saved', 60_000);
    expect(refusals).toEqual([]);
    // Every document is open, and no connection holds more than the server allows. (Not an exact
    // socket count: on a starved machine a connection can time out and come back while the server
    // still holds the old one's sockets.)
    const open = [...running.server.io._nsps].filter(([name, nsp]) => name.startsWith('/doc/') && nsp.sockets.size > 0);
    expect(open).toHaveLength(1_000);
    expect(Math.max(...documentsPerConnection(running.server))).toBeLessThanOrEqual(100);
    const gen = prng.create(11);
    for (let i = 0; i < 10; i++) {
      const index = prng.uint32(gen, 0, 999);
      const handle = await running.server.openDocument(`doc-${index}`);
      expect(handle.doc.getText('text').toString()).toBe(`text ${index}`);
      await handle.release();
    }
  }, 120_000);
});
