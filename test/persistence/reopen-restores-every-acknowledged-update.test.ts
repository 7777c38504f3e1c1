import { afterEach, beforeEach, expect, it } from 'vitest';
import { LevelDbStore } from '../../server/persistence/leveldb-store.js';
import { type TempDir, makeTempDir } from '../helpers/temp-dir.js';
import { docFromUpdates, editRichly, recordingDoc, sameState } from '../helpers/persistence/yjs-content.js';

let dir: TempDir;
const open: LevelDbStore[] = [];

async function openStore(options: { compactAfterUpdates?: number; sync?: boolean } = {}): Promise<LevelDbStore> {
  const store = await LevelDbStore.open({ path: dir.path, ...options });
  open.push(store);
  return store;
}

beforeEach(async () => {
  dir = await makeTempDir('reopen');
});
afterEach(async () => {
  for (const store of open.splice(0)) await store.close();
  await dir.remove();
});

it('restores snapshot and tail after reopening, with the same Yjs state', async () => {
  const { doc, updates } = recordingDoc();
  editRichly(doc, 120);
  let store = await openStore({ compactAfterUpdates: 100, sync: true });
  // Spread over turns, as edits arrive: several batches and at least one compaction.
  for (let i = 0; i < updates.length; i += 25) await Promise.all(updates.slice(i, i + 25).map((u) => store.append('notes/rich', u)));
  await store.whenIdle();
  const before = await store.stats('notes/rich');
  expect(store.writeStats().compactions).toBeGreaterThan(0);
  await store.close();

  store = await openStore();
  expect(await store.stats('notes/rich')).toEqual(before);
  const loaded = docFromUpdates(await store.load('notes/rich'));
  expect(sameState(loaded, doc)).toEqual({ content: true, stateVector: true });
  expect((await store.list()).map(({ name, bytes }) => ({ name, bytes }))).toEqual([
    { name: 'notes/rich', bytes: before!.snapshotBytes + before!.tailBytes },
  ]);
});

it('continues the log after reopening: new appends come after the old ones', async () => {
  let store = await openStore();
  await store.append('log', new Uint8Array([1]));
  await store.append('log', new Uint8Array([2]));
  await store.close();
  store = await openStore();
  await store.append('log', new Uint8Array([3]));
  expect((await store.stats('log'))!.nextSeq).toBe(3);
  expect(await store.load('log')).toEqual([new Uint8Array([1]), new Uint8Array([2]), new Uint8Array([3])]);
});
