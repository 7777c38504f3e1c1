import { afterEach, expect, it } from 'vitest';
import { FileOfflineStore } from '../../client/offline/file-store.js';
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

it('edits left unsent by a destroyed provider reach the server through a new provider on the same file store', async () => {
  const [data, offlineDir] = await Promise.all([tempDir('offline'), tempDir('offline')]);
  const first = await servers.start(data);
  const store = new FileOfflineStore({ directory: offlineDir });
  const before = openClient(first.url, 'field-report', { offline: store });
  await before.provider.whenSynced();
  before.doc.getText('text').insert(0, 'Synced line.\n');
  await waitFor(() => before.provider.pendingCount === 0, 'first line acknowledged');

  await first.crash();
  await waitFor(() => !before.provider.synced, 'offline');
  for (const word of ['Written ', 'while ', 'offline.']) before.doc.getText('text').insert(text(before).length, word);
  const pendingBeforeReload = before.provider.pendingCount;
  expect(pendingBeforeReload).toBe(3);
  // The reload: destroyed right after the edits, without waiting for anything.
  before.provider.destroy();
  await store.close();

  // A new process would open a new store on the same directory.
  const reopenedStore = new FileOfflineStore({ directory: offlineDir });
  const after = openClient(first.url, 'field-report', { offline: reopenedStore });
  await after.provider.whenRestored();
  // Restored before connecting: the document and the exact queue.
  expect(text(after)).toBe('Synced line.\nWritten while offline.');
  expect(after.provider.pendingCount).toBe(pendingBeforeReload);
  expect(after.provider.synced).toBe(false);

  await servers.start(data, first.port);
  await waitFor(() => after.saves() === 1, 'saved after reconnecting');
  expect(after.provider.pendingCount).toBe(0);

  const reader = openClient(first.url, 'field-report');
  await reader.provider.whenSynced();
  expect(text(reader)).toBe('Synced line.\nWritten while offline.');

  // The acknowledgement also cleared the stored queue: a later reload restores nothing pending.
  after.provider.destroy();
  await reopenedStore.close();
  const third = openClient(first.url, 'field-report', { offline: new FileOfflineStore({ directory: offlineDir }), connect: false });
  await third.provider.whenRestored();
  expect(third.provider.pendingCount).toBe(0);
  expect(text(third)).toBe('Synced line.\nWritten while offline.');
});
