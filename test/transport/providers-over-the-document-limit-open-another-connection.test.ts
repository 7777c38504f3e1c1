import { afterEach, describe, expect, it } from 'vitest';
import type { ErrorInfo } from '../../shared/errors.js';
import { type TestClient, connectClient, destroyClients } from '../helpers/clients.js';
import { documentsPerConnection } from '../helpers/connections.js';
import { type RunningServer, startServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait-for.js';

describe('providers over a server’s documents-per-connection limit open another connection', () => {
  let running: RunningServer;
  let clients: TestClient[] = [];

  afterEach(async () => {
    destroyClients(clients);
    clients = [];
    await running?.close();
  });

  it('learns a lowered limit from the refusal and syncs every document, with no error and no connection closed', async () => {
    running = await startServer({ maxDocumentsPerConnection: 3 });
    const errors: ErrorInfo[] = [];
    // More refusals than the violation budget tolerates, had they counted against the connection.
    clients = Array.from({ length: 120 }, (_, i) => connectClient(running.url, `doc-${i}`));
    for (const { provider } of clients) {
      provider.on('connection-error', (info) => errors.push(info));
      provider.on('notice', (info) => errors.push(info));
    }
    await Promise.all(clients.map(({ provider }) => provider.whenSynced()));
    clients.forEach(({ doc }, i) => doc.getText('text').insert(0, `text ${i}`));
    await waitFor(() => clients.every(({ provider }) => provider.pendingCount === 0), 'all saved');
    expect(errors).toEqual([]);
    const perConnection = documentsPerConnection(running.server);
    expect(perConnection.reduce((sum, count) => sum + count, 0)).toBe(120);
    expect(Math.max(...perConnection)).toBeLessThanOrEqual(3);
    const handle = await running.server.openDocument('doc-77');
    expect(handle.doc.getText('text').toString()).toBe('text 77');
    await handle.release();
  });

  it('moves a second provider of a full connection at once instead of waiting for a slot', async () => {
    running = await startServer({ maxDocumentsPerConnection: 1 });
    clients.push(connectClient(running.url, 'first'));
    await clients[0]!.provider.whenSynced();
    clients.push(connectClient(running.url, 'second'));
    await clients[1]!.provider.whenSynced();
    expect(documentsPerConnection(running.server)).toEqual([1, 1]);
  });
});
