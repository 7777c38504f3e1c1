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
    await waitFor(() => clients.every(({ provider }) => provider.pendingCount === 0), 'all saved', 30_000);
    expect(refusals).toEqual([]);
    const perConnection = documentsPerConnection(running.server);
    expect(perConnection.reduce((sum, count) => sum + count, 0)).toBe(1_000);
    expect(Math.max(...perConnection)).toBeLessThanOrEqual(100);
    const gen = prng.create(11);
    for (let i = 0; i < 10; i++) {
      const index = prng.uint32(gen, 0, 999);
      const handle = await running.server.openDocument(`doc-${index}`);
      expect(handle.doc.getText('text').toString()).toBe(`text ${index}`);
      await handle.release();
    }
  }, 60_000);
});
