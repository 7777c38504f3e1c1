import { afterEach, beforeEach, expect, it } from 'vitest';
import { LevelDbStore, UNLOAD_COMPACTION_MIN_UPDATES } from '../../server/persistence/leveldb-store.js';
import { connectSynced, destroyClients } from '../helpers/clients.js';
import { type RunningServer, startServer } from '../helpers/server.js';
import { type TempDir, makeTempDir } from '../helpers/temp-dir.js';
import { delay, waitFor } from '../helpers/wait-for.js';

let dir: TempDir;
let store: LevelDbStore;
let server: RunningServer;

beforeEach(async () => {
  dir = await makeTempDir('unload-compaction');
  // Compaction by size alone would not happen in these tests.
  store = await LevelDbStore.open({ path: dir.path, compactAfterUpdates: 100_000 });
  server = await startServer({ store, unloadGraceMs: 50 });
});
afterEach(async () => {
  await server.close();
  await dir.remove();
});

/** Types `count` edits, one update each, and waits until all are saved; returns the text. */
async function typeAndLeave(docName: string, count: number): Promise<string> {
  const client = await connectSynced(server.url, docName);
  for (let i = 0; i < count; i++) {
    client.doc.getText('t').insert(0, `${i} `);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await waitFor(() => client.provider.pendingCount === 0, 'the edits to be saved');
  const text = client.doc.getText('t').toString();
  destroyClients([client]);
  return text;
}

async function reopen(): Promise<void> {
  await server.close();
  store = await LevelDbStore.open({ path: dir.path, compactAfterUpdates: 100_000 });
  server = await startServer({ store, unloadGraceMs: 50 });
}

it('compacts a document with a long tail when it unloads, keeping every edit', async () => {
  const text = await typeAndLeave('long', UNLOAD_COMPACTION_MIN_UPDATES + 40);
  await waitFor(() => !server.server.registry.isLoaded('long'), 'the document to unload');
  expect(await store.stats('long')).toMatchObject({ tailUpdates: 0 });
  expect(store.writeStats().compactionsFromLoadedDocuments).toBe(1);

  await reopen();
  const reader = await connectSynced(server.url, 'long');
  expect(reader.doc.getText('t').toString()).toBe(text);
  destroyClients([reader]);
});

it('unloads a document whose compaction failed, keeping its tail, and takes the next edit once the store recovers', async () => {
  await server.close();
  let failCompactions = true;
  store = await LevelDbStore.open({
    path: dir.path,
    compactAfterUpdates: 100_000,
    hooks: {
      beforeWrite: (info) => {
        if (failCompactions && info.kind === 'compaction') throw new Error('disk full during the unload compaction');
      },
    },
  });
  server = await startServer({ store, unloadGraceMs: 50 });
  const text = await typeAndLeave('failing', UNLOAD_COMPACTION_MIN_UPDATES + 10);
  await waitFor(() => !server.server.registry.isLoaded('failing'), 'the document to unload');
  expect(store.writeStats().failedCompactions).toBe(1);
  expect((await store.stats('failing'))!.tailUpdates).toBeGreaterThanOrEqual(UNLOAD_COMPACTION_MIN_UPDATES + 10);

  failCompactions = false;
  const next = await connectSynced(server.url, 'failing');
  expect(next.doc.getText('t').toString()).toBe(text);
  next.doc.getText('t').insert(0, 'after ');
  await waitFor(() => next.provider.pendingCount === 0, 'the next edit to be saved', 20_000);
  const expected = next.doc.getText('t').toString();
  destroyClients([next]);

  await reopen();
  const reader = await connectSynced(server.url, 'failing');
  expect(reader.doc.getText('t').toString()).toBe(expected);
  destroyClients([reader]);
});

it('keeps the document loaded for a client that joins while its unload compaction runs', async () => {
  await server.close();
  let compactionStarted = false;
  let release: () => void = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  store = await LevelDbStore.open({
    path: dir.path,
    compactAfterUpdates: 100_000,
    hooks: {
      beforeWrite: async (info) => {
        if (info.kind !== 'compaction') return;
        compactionStarted = true;
        await released;
      },
    },
  });
  server = await startServer({ store, unloadGraceMs: 50 });
  const text = await typeAndLeave('rejoined', UNLOAD_COMPACTION_MIN_UPDATES + 10);
  await waitFor(() => compactionStarted, 'the unload compaction to start');

  // The join reaches the server while the compaction's write is held; its answer waits behind
  // that write like any other, so it completes once the write does.
  const joining = connectSynced(server.url, 'rejoined');
  await delay(200);
  release();
  const joiner = await joining;
  expect(joiner.doc.getText('t').toString()).toBe(text);
  joiner.doc.getText('t').insert(0, 'joined ');
  await waitFor(() => joiner.provider.pendingCount === 0, 'the joiner to be saved');
  await store.whenIdle();
  expect(server.server.registry.isLoaded('rejoined')).toBe(true);
  const expected = joiner.doc.getText('t').toString();
  destroyClients([joiner]);

  await reopen();
  const reader = await connectSynced(server.url, 'rejoined');
  expect(reader.doc.getText('t').toString()).toBe(expected);
  destroyClients([reader]);
});

it('leaves a short tail alone when the document unloads', async () => {
  await typeAndLeave('short', 5);
  await waitFor(() => !server.server.registry.isLoaded('short'), 'the document to unload');
  expect((await store.stats('short'))!.tailUpdates).toBeGreaterThanOrEqual(5);
  expect(store.writeStats().compactions).toBe(0);
});

it('compacts loaded documents on shutdown, from their loaded copies', async () => {
  const client = await connectSynced(server.url, 'open');
  for (let i = 0; i < UNLOAD_COMPACTION_MIN_UPDATES + 10; i++) {
    client.doc.getText('t').insert(0, 'x');
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await waitFor(() => client.provider.pendingCount === 0, 'the edits to be saved');
  const text = client.doc.getText('t').toString();
  const stats = store.writeStats.bind(store);
  await server.close(); // the client is still connected
  destroyClients([client]);
  expect(stats().compactionsFromLoadedDocuments).toBe(1);

  store = await LevelDbStore.open({ path: dir.path });
  expect(await store.load('open')).toHaveLength(1);
  server = await startServer({ store });
  const reader = await connectSynced(server.url, 'open');
  expect(reader.doc.getText('t').toString()).toBe(text);
  destroyClients([reader]);
});
