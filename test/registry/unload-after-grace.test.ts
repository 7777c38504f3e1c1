import { afterEach, describe, expect, it } from 'vitest';
import { MemoryStore } from '../../server/persistence/memory-store.js';
import { type TestClient, connectSynced, destroyClients } from '../helpers/clients.js';
import { type RunningServer, startServer } from '../helpers/server.js';
import { delay, waitFor } from '../helpers/wait-for.js';

describe('documents unload after the last client leaves and a grace period', () => {
  let running: RunningServer;
  let clients: TestClient[] = [];
  afterEach(async () => {
    destroyClients(clients);
    clients = [];
    await running?.close();
  });

  it('unloads after the grace period, and a rejoin loads it from the store', async () => {
    const store = new MemoryStore();
    running = await startServer({ store, unloadGraceMs: 200 });
    const first = await connectSynced(running.url, 'unloading');
    first.doc.getText('text').insert(0, 'kept across unload');
    await waitFor(() => first.provider.pendingCount === 0, 'saved');
    destroyClients([first]);
    await delay(50);
    expect(running.server.registry.isLoaded('unloading')).toBe(true);
    await waitFor(() => !running.server.registry.isLoaded('unloading'), 'unload');
    const second = await connectSynced(running.url, 'unloading');
    clients.push(second);
    expect(second.doc.getText('text').toString()).toBe('kept across unload');
  });

  it('a reconnect within the grace period reuses the loaded document', async () => {
    running = await startServer({ unloadGraceMs: 5_000 });
    const first = await connectSynced(running.url, 'reused');
    const loaded = await running.server.registry.peek('reused');
    destroyClients([first]);
    const second = await connectSynced(running.url, 'reused');
    clients.push(second);
    expect(await running.server.registry.peek('reused')).toBe(loaded);
  });
});
