import { afterEach, describe, expect, it } from 'vitest';
import { type TestClient, connectSynced, destroyClients } from '../helpers/clients.js';
import { type RunningServer, startServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait-for.js';

describe('one client opening several documents', () => {
  let running: RunningServer;
  let clients: TestClient[] = [];
  afterEach(async () => {
    destroyClients(clients);
    clients = [];
    await running?.close();
  });

  it('uses exactly one underlying connection for three documents', async () => {
    running = await startServer();
    let engineConnections = 0;
    running.server.io.engine.on('connection', () => engineConnections++);
    clients = await Promise.all(['alpha', 'beta', 'gamma'].map((name) => connectSynced(running.url, name)));
    clients.forEach(({ doc }, i) => doc.getText('text').insert(0, `doc ${i}`));
    await waitFor(() => clients.every((c) => c.provider.pendingCount === 0), 'all saved');
    expect(engineConnections).toBe(1);
    expect(running.server.io.engine.clientsCount).toBe(1);
  });

  it('cleans up empty document namespaces', async () => {
    running = await startServer();
    const client = await connectSynced(running.url, 'short-lived');
    expect(running.server.io._nsps.has('/doc/short-lived')).toBe(true);
    destroyClients([client]);
    await waitFor(() => !running.server.io._nsps.has('/doc/short-lived'), 'namespace removed');
  });
});
