import { cp, rm } from 'node:fs/promises';
import { afterEach, expect, it } from 'vitest';
import * as Y from 'yjs';
import { LevelDbStore } from '../../server/persistence/leveldb-store.js';
import { waitFor } from '../helpers/wait-for.js';
import { closeClients, openClient, text } from '../helpers/offline/offline-client.js';
import { ServerProcesses } from '../helpers/server-process.js';
import { removeTempDirs, tempDir } from '../helpers/temp-dir.js';

const servers = new ServerProcesses({ unloadGraceMs: 50, anyOrigin: true });

afterEach(async () => {
  closeClients();
  await servers.crashAll();
  await removeTempDirs();
});

it('a server restored from an older backup receives what it lacks in the next handshake', async () => {
  const [data, backup] = await Promise.all([tempDir('offline'), tempDir('offline')]);
  const first = await servers.start(data);
  const client = openClient(first.url, 'ledger');
  await client.provider.whenSynced();
  client.doc.getText('text').insert(0, 'January. ');
  await waitFor(() => client.provider.pendingCount === 0, 'January acknowledged');

  // Back up a cleanly stopped server, then keep going.
  await first.stop();
  await cp(data, backup, { recursive: true });
  await servers.start(data, first.port);
  await waitFor(() => client.provider.synced, 'reconnected');
  client.doc.getText('text').insert(text(client).length, 'February. ');
  client.doc.getMap('map').set('closed', ['January', 'February']);
  await waitFor(() => client.provider.pendingCount === 0, 'February acknowledged');

  // Disaster: the data directory is replaced by the backup, which lacks February.
  expect(await storedText(backup, 'ledger')).toBe('January. ');
  await servers.crashAll();
  await rm(data, { recursive: true });
  await cp(backup, data, { recursive: true });
  const restored = await servers.start(data, first.port);
  await waitFor(() => client.provider.synced, 'client reconnected to the restored server');
  const newcomer = openClient(restored.url, 'ledger');
  // Live updates reach the newcomer too, so this holds once the client's upload arrived.
  await waitFor(() => text(newcomer) === 'January. February. ', 'the restored server has February again');
  expect(client.provider.pendingCount).toBe(0);

  // What the server lacked is durable again: it survives another crash.
  await servers.crashAll();
  const again = await servers.start(data, first.port);
  const reader = openClient(again.url, 'ledger');
  await reader.provider.whenSynced();
  expect(text(reader)).toBe('January. February. ');
  expect(reader.doc.getMap('map').get('closed')).toEqual(['January', 'February']);
});

async function storedText(dataDir: string, docName: string): Promise<string> {
  const doc = new Y.Doc();
  const store = await LevelDbStore.open({ path: dataDir });
  try {
    for (const update of await store.load(docName)) Y.applyUpdate(doc, update);
  } finally {
    await store.close();
  }
  return doc.getText('text').toString();
}
