import { ownersDocumentName } from '../../server/core/client-id-owners.js';
import { afterEach, describe, expect, it } from 'vitest';
import { LevelDbStore } from '../../server/persistence/leveldb-store.js';
import { type TestClient, connectSynced, destroyClients } from '../helpers/clients.js';
import { type RunningServer, startServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait-for.js';
import { removeTempDirs, tempDir } from '../helpers/temp-dir.js';

describe('deleting a document through the server API', () => {
  let running: RunningServer | undefined;
  let clients: TestClient[] = [];
  let dir: string | undefined;
  afterEach(async () => {
    destroyClients(clients);
    clients = [];
    await running?.close();
    await removeTempDirs();
  });

  it('removes all its records, disconnects its clients and leaves other documents alone', async () => {
    dir = await tempDir('delete');
    running = await startServer({ store: await LevelDbStore.open({ path: dir }) });
    const doomed = await connectSynced(running.url, 'doomed');
    const kept = await connectSynced(running.url, 'kept');
    clients.push(doomed, kept);
    doomed.doc.getText('text').insert(0, 'to be deleted');
    kept.doc.getText('text').insert(0, 'to be kept');
    await waitFor(() => doomed.provider.pendingCount === 0 && kept.provider.pendingCount === 0, 'saved');
    // The owner of the copy goes away for good, so nothing re-creates the document.
    destroyClients([doomed]);
    clients = [kept];

    expect(await running.server.deleteDocument('doomed')).toBe(true);
    expect(await running.server.store.load('doomed')).toEqual([]);
    // What is left is the other document and its client-id owners.
    expect((await running.server.store.list()).map((d) => d.name).sort()).toEqual(['kept', ownersDocumentName('kept')].sort());
    expect(await running.server.deleteDocument('doomed')).toBe(false);
    const fresh = await connectSynced(running.url, 'doomed');
    clients.push(fresh);
    expect(fresh.doc.getText('text').toString()).toBe('');
    expect(kept.doc.getText('text').toString()).toBe('to be kept');
  });
});
