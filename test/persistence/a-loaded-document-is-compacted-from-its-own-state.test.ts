import { afterEach, beforeEach, expect, it } from 'vitest';
import * as Y from 'yjs';
import { LevelDbStore } from '../../server/persistence/leveldb-store.js';
import { connectSynced, destroyClients } from '../helpers/clients.js';
import { docFromUpdates, editRichly, recordingDoc, sameState } from '../helpers/persistence/yjs-content.js';
import { startServer } from '../helpers/server.js';
import { type TempDir, makeTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

let dir: TempDir;
let store: LevelDbStore;

beforeEach(async () => {
  dir = await makeTempDir('live-compaction');
  store = await LevelDbStore.open({ path: dir.path, compactAfterUpdates: 50 });
});
afterEach(async () => {
  await store.close();
  await dir.remove();
});

const liveState = (doc: Y.Doc) => () => ({
  update: Y.encodeStateAsUpdate(doc),
  clockOf: (client: number) => Y.getState(doc.store, client),
});

async function appendOverTurns(name: string, updates: readonly Uint8Array[], perTurn = 10): Promise<void> {
  for (let i = 0; i < updates.length; i += perTurn) {
    await Promise.all(updates.slice(i, i + perTurn).map((update) => store.append(name, update)));
  }
}

it('takes the snapshot from the loaded copy instead of merging, and stores the same state', async () => {
  const { doc, updates } = recordingDoc();
  store.provideLiveSnapshots('doc', liveState(doc));
  editRichly(doc, 60);
  await appendOverTurns('doc', updates);
  await store.whenIdle();

  expect(store.writeStats().compactions).toBeGreaterThanOrEqual(2);
  expect(store.writeStats().compactionsFromLoadedDocuments).toBe(store.writeStats().compactions);
  expect(sameState(docFromUpdates(await store.load('doc')), doc)).toEqual({ content: true, stateVector: true });
});

it('merges instead when the tail holds structs the loaded copy has not integrated', async () => {
  // An append that did not come through the loaded copy: the copy lacks what the tail holds.
  const { doc, updates } = recordingDoc();
  const stale = new Y.Doc();
  store.provideLiveSnapshots('doc', liveState(stale));
  editRichly(doc, 60);
  await appendOverTurns('doc', updates);
  await store.whenIdle();

  expect(store.writeStats().compactions).toBeGreaterThanOrEqual(2);
  expect(store.writeStats().compactionsFromLoadedDocuments).toBe(0);
  expect(sameState(docFromUpdates(await store.load('doc')), doc)).toEqual({ content: true, stateVector: true });
});

it('merges instead when the loaded copy declines, or once it withdrew', async () => {
  const { doc, updates } = recordingDoc();
  const withdraw = store.provideLiveSnapshots('doc', () => null);
  editRichly(doc, 30);
  await appendOverTurns('doc', updates);
  await store.whenIdle();
  withdraw();
  store.provideLiveSnapshots('other', liveState(doc)); // another document's copy is never used
  const before = updates.length;
  editRichly(doc, 30);
  await appendOverTurns('doc', updates.slice(before));
  await store.whenIdle();

  expect(store.writeStats().compactions).toBeGreaterThanOrEqual(2);
  expect(store.writeStats().compactionsFromLoadedDocuments).toBe(0);
  expect(sameState(docFromUpdates(await store.load('doc')), doc)).toEqual({ content: true, stateVector: true });
});

it('keeps an update held back for missing dependencies through compactions from the loaded copy', async () => {
  const server = await startServer({ store });
  const writer = await connectSynced(server.url, 'held');
  try {
    // The server holds back the second half of a concurrent writer's edits until the first arrives.
    const author = new Y.Doc();
    const authored: Uint8Array[] = [];
    author.on('update', (update: Uint8Array) => authored.push(update));
    author.getText('t').insert(0, 'first ');
    author.getText('t').insert(6, 'second');
    const held = await server.server.openDocument('held');
    await held.applyUpdate(authored[1]!).catch(() => {}); // refused: MISSING_DEPENDENCIES, stored
    for (let i = 0; i < 120; i++) {
      writer.doc.getText('typed').insert(0, `${i} `);
      await new Promise((resolve) => setTimeout(resolve, 1)); // one update per keystroke
    }
    await waitFor(() => writer.provider.pendingCount === 0, 'the typing to be saved');
    await store.whenIdle();
    expect(store.writeStats().compactionsFromLoadedDocuments).toBeGreaterThanOrEqual(1);
    await held.applyUpdate(authored[0]!);
    await store.whenIdle();
    await held.release();
  } finally {
    destroyClients([writer]);
    await server.close();
  }
  store = await LevelDbStore.open({ path: dir.path });
  const reloaded = docFromUpdates(await store.load('held'));
  expect(reloaded.getText('t').toString()).toBe('first second');
  expect(reloaded.getText('typed').toString()).toBe(writer.doc.getText('typed').toString());
});
