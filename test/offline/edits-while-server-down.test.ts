import { Manager } from 'socket.io-client';
import { afterEach, expect, it } from 'vitest';
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

it('edits made while the server process is stopped arrive after it restarts and are acknowledged', async () => {
  const data = await tempDir('offline');
  const first = await servers.start(data);
  // Its own Manager, so the test can count reconnect attempts.
  const manager = new Manager(first.url, { autoConnect: false, reconnectionDelay: 50, reconnectionDelayMax: 200 });
  const writer = openClient(first.url, 'trip-notes', { manager });
  await writer.provider.whenSynced();
  writer.doc.getText('text').insert(0, 'Before the tunnel. ');
  await waitFor(() => writer.provider.pendingCount === 0, 'first edit acknowledged');

  await first.crash();
  await waitFor(() => writer.provider.status !== 'connected', 'client notices the server is gone');
  writer.doc.getText('text').insert(text(writer).length, 'In the tunnel.');
  writer.doc.getMap('map').set('offline', true);
  expect(writer.provider.pendingCount).toBeGreaterThan(0);

  // Several reconnect attempts fail while the server is down; the edits stay pending throughout.
  let attempts = 0;
  manager.on('reconnect_attempt', () => attempts++);
  await waitFor(() => attempts >= 3, 'three failed reconnect attempts');
  expect(writer.provider.pendingCount).toBeGreaterThan(0);
  expect(writer.saves()).toBe(1);

  const second = await servers.start(data, first.port);
  await waitFor(() => writer.saves() === 2, 'saved after the restart');
  expect(writer.provider.pendingCount).toBe(0);
  expect(writer.provider.pendingBytes).toBe(0);

  // Acknowledged means durable: a crash right after does not lose them.
  await second.crash();
  const third = await servers.start(data);
  const reader = openClient(third.url, 'trip-notes');
  await reader.provider.whenSynced();
  expect(text(reader)).toBe('Before the tunnel. In the tunnel.');
  expect(reader.doc.getMap('map').get('offline')).toBe(true);
});
