import { afterEach, expect, it } from 'vitest';
import * as Y from 'yjs';
import { MemoryOfflineStore } from '../../client/offline/memory-store.js';
import { MemoryStore } from '../../server/persistence/memory-store.js';
import { type RunningServer, startServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait-for.js';
import { closeClients, openClient, text } from '../helpers/offline/offline-client.js';

let running: RunningServer | undefined;

afterEach(async () => {
  closeClients();
  await running?.close();
});

async function storedBytes(store: MemoryStore, docName: string): Promise<number> {
  return (await store.list()).find((info) => info.name === docName)?.bytes ?? 0;
}

it('pending updates the server already holds, resent after every reload, add nothing to its stored log', async () => {
  const serverStore = new MemoryStore();
  running = await startServer({ store: serverStore });

  // A client's edits reach the server, but (as if every ack were lost) stay in its offline queue.
  const source = new Y.Doc();
  const updates: Uint8Array[] = [];
  source.on('update', (update: Uint8Array) => updates.push(update));
  for (let i = 0; i < 50; i++) source.getText('text').insert(i * 6, `edit${String(i).padStart(2, '0')}`);
  const writer = openClient(running.url, 'resent');
  await writer.provider.whenSynced();
  Y.applyUpdate(writer.doc, Y.encodeStateAsUpdate(source));
  await waitFor(() => writer.provider.pendingCount === 0, 'server holds the edits');
  const bytesBefore = await storedBytes(serverStore, 'resent');
  expect(bytesBefore).toBeGreaterThan(0);

  const offline = new MemoryOfflineStore();
  const lostAcks = updates.map((update, i) => ({ session: 'lost-acks', seq: i + 1, update }));
  for (let round = 1; round <= 5; round++) {
    // The records come back every round, as if the acknowledgement were lost each time.
    await offline.write('resent', { updates, pending: lostAcks, acknowledged: [] });
    const reloaded = openClient(running.url, 'resent', { offline });
    await reloaded.provider.whenRestored();
    expect(reloaded.provider.pendingCount).toBe(50);
    await waitFor(() => reloaded.saves() === 1, `round ${round} saved`);
    expect(text(reloaded)).toBe(source.getText('text').toString());
    expect((await offline.load('resent')).pending).toEqual([]);
    reloaded.provider.destroy();
    expect(await storedBytes(serverStore, 'resent')).toBe(bytesBefore);
  }
});
