import { writeFile } from 'node:fs/promises';
import { afterEach, expect, it } from 'vitest';
import { FileOfflineStore } from '../../client/offline/file-store.js';
import { type RunningServer, startServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait-for.js';
import { closeClients, openClient } from '../helpers/offline/offline-client.js';
import { removeTempDirs, tempDir } from '../helpers/temp-dir.js';

let running: RunningServer | undefined;

afterEach(async () => {
  closeClients();
  await running?.close();
  await removeTempDirs();
});

it('an unreadable offline store is reported and the provider still syncs and saves', async () => {
  running = await startServer();
  const directory = await tempDir('offline');
  const store = new FileOfflineStore({ directory });
  await writeFile(store.pathOf('damaged'), 'not a quire offline log');
  const client = openClient(running.url, 'damaged', { offline: store, connect: false });
  const errors: Error[] = [];
  client.provider.on('offline-error', (error) => errors.push(error));
  client.provider.connect();
  await client.provider.whenSynced();
  expect(errors.map((error) => error.message)).toEqual([expect.stringContaining('not a quire offline log')]);
  client.doc.getText('text').insert(0, 'still works');
  await waitFor(() => client.saves() === 1, 'saved');
});
