import { afterEach, expect, it } from 'vitest';
import { MemoryOfflineStore } from '../../client/offline/memory-store.js';
import { type RunningServer, startServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait-for.js';
import { closeClients, openClient, text } from '../helpers/offline/offline-client.js';

let running: RunningServer | undefined;

afterEach(async () => {
  closeClients();
  await running?.close();
});

it('a provider reopened on a store another live provider writes uploads both queues and keeps the other’s newer records', async () => {
  running = await startServer();
  const store = new MemoryOfflineStore();
  // Two tabs on one document and one store, both offline.
  const tabA = openClient(running.url, 'shared', { offline: store, connect: false });
  const tabB = openClient(running.url, 'shared', { offline: store, connect: false });
  await Promise.all([tabA.provider.whenRestored(), tabB.provider.whenRestored()]);
  tabA.doc.getText('text').insert(0, 'A1 ');
  tabB.doc.getMap('map').set('b1', true);
  tabB.doc.getMap('map').set('b2', true);
  tabA.provider.destroy();
  await tabB.provider.whenStored();

  // Tab A reloads: it finds its own records and tab B's.
  const reloaded = openClient(running.url, 'shared', { offline: store, connect: false });
  await reloaded.provider.whenRestored();
  expect(reloaded.provider.pendingCount).toBe(3);
  // Tab B, still open, keeps editing after that.
  tabB.doc.getMap('map').set('b3', true);
  await tabB.provider.whenStored();

  reloaded.provider.connect();
  await waitFor(() => reloaded.saves() === 1, 'reloaded tab saved');
  await reloaded.provider.whenStored();
  // Everything it restored is acknowledged and gone from the store; tab B's newer record stays.
  const stored = await store.load('shared');
  expect(stored.pending).toHaveLength(1);
  const reader = openClient(running.url, 'shared');
  await reader.provider.whenSynced();
  expect(text(reader)).toBe('A1 ');
  expect(reader.doc.getMap('map').toJSON()).toEqual({ b1: true, b2: true });

  tabB.provider.connect();
  await waitFor(() => tabB.provider.pendingCount === 0, 'tab B saved');
  await tabB.provider.whenStored();
  expect((await store.load('shared')).pending).toEqual([]);
  await waitFor(() => reader.doc.getMap('map').get('b3') === true, 'b3 reached the server');
});
