import * as Y from 'yjs';
import { afterEach, describe, expect, it } from 'vitest';
import { type TestClient, connectClient, connectSynced, destroyClients } from '../helpers/clients.js';
import { type RunningServer, startServer } from '../helpers/server.js';
import { SlowStore } from '../helpers/slow-store.js';
import { waitFor } from '../helpers/wait-for.js';

function storedText(text: string): Uint8Array {
  const doc = new Y.Doc();
  doc.getText('text').insert(0, text);
  return Y.encodeStateAsUpdate(doc);
}

describe('no client is answered before the stored document has loaded', () => {
  let running: RunningServer;
  let clients: TestClient[] = [];
  afterEach(async () => {
    destroyClients(clients);
    clients = [];
    await running?.close();
  });

  it('two clients joining during a slow load both receive the stored content, from one load', async () => {
    const store = new SlowStore(300);
    await store.append('slow-doc', storedText('stored before the server started'));
    running = await startServer({ store });
    const a = connectClient(running.url, 'slow-doc');
    const b = connectClient(running.url, 'slow-doc');
    clients.push(a, b);
    let syncedEarly = false;
    a.provider.on('synced', () => {
      if (a.doc.getText('text').toString() === '') syncedEarly = true;
    });
    await Promise.all([a.provider.whenSynced(), b.provider.whenSynced()]);
    expect(syncedEarly).toBe(false);
    expect(a.doc.getText('text').toString()).toBe('stored before the server started');
    expect(b.doc.getText('text').toString()).toBe('stored before the server started');
    expect(store.loads).toBe(1);
  });

  it('a failed load is reported to the client and not cached as an empty document', async () => {
    const store = new SlowStore(20);
    await store.append('flaky', storedText('precious'));
    store.failLoads = true;
    running = await startServer({ store });
    const client = connectClient(running.url, 'flaky');
    clients.push(client);
    const notices: string[] = [];
    client.provider.on('notice', (info) => notices.push(info.code));
    await waitFor(() => notices.includes('LOAD_FAILED'), 'LOAD_FAILED notice');
    expect(client.provider.synced).toBe(false);
    expect(running.server.registry.isLoaded('flaky')).toBe(false);
    store.failLoads = false;
    // The provider asks again by itself and gets the real content, not an empty document.
    await client.provider.whenSynced();
    expect(client.doc.getText('text').toString()).toBe('precious');
  });

  it('edits made by a client during a slow load are kept alongside the stored content', async () => {
    const store = new SlowStore(200);
    await store.append('merge-on-load', storedText('stored;'));
    running = await startServer({ store });
    const client = connectClient(running.url, 'merge-on-load');
    clients.push(client);
    client.doc.getText('text').insert(0, 'typed while loading;');
    await client.provider.whenSynced();
    await waitFor(() => client.provider.pendingCount === 0, 'edits saved');
    const late = await connectSynced(running.url, 'merge-on-load');
    clients.push(late);
    expect(late.doc.getText('text').toString()).toContain('stored;');
    expect(late.doc.getText('text').toString()).toContain('typed while loading;');
  });
});
