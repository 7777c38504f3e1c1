import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { type TestClient, connectClient, connectSynced, destroyClients } from '../helpers/clients.js';
import { GatedAppendStore } from '../helpers/gated-append-store.js';
import { type RunningServer, startServer } from '../helpers/server.js';
import { delay, waitFor } from '../helpers/wait-for.js';

describe('a client joining while its document is being deleted works on a live document', () => {
  let running: RunningServer;
  let clients: TestClient[] = [];
  afterEach(async () => {
    destroyClients(clients);
    clients = [];
    await running?.close();
  });

  it('what the joiner writes after the deletion is acknowledged and stored', async () => {
    const store = new GatedAppendStore();
    running = await startServer({ store, unloadGraceMs: 60_000 });
    const first = await connectSynced(running.url, 'deleted');
    clients.push(first);
    first.doc.getText('text').insert(0, 'old content');
    await waitFor(() => first.provider.pendingCount === 0, 'first saved');

    // A write is in flight when the deletion starts, so the unload waits for it.
    store.hold();
    first.doc.getText('text').insert(0, '!');
    await waitFor(() => first.provider.pendingCount === 1 && running.server.registry.isLoaded('deleted'), 'a write in flight');
    await delay(20);
    const deleting = running.server.deleteDocument('deleted');
    first.provider.disconnect();

    const joiner = connectClient(running.url, 'deleted');
    clients.push(joiner);
    await delay(50);
    store.open();
    await deleting;
    await joiner.provider.whenSynced();
    joiner.doc.getText('text').insert(0, 'written after the deletion');
    await waitFor(() => joiner.provider.pendingCount === 0, "the joiner's edit is acknowledged");

    const stored = new Y.Doc();
    for (const update of await store.load('deleted')) Y.applyUpdate(stored, update);
    expect(stored.getText('text').toString()).toContain('written after the deletion');
    expect(stored.getText('text').toString()).not.toContain('old content');
  });
});
