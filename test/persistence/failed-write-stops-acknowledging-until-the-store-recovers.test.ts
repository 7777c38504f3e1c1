import { afterEach, beforeEach, expect, it } from 'vitest';
import { LevelDbStore, StoreUnavailableError, StoreWriteError, type WriteInfo } from '../../server/persistence/leveldb-store.js';
import { waitFor } from '../helpers/persistence/gate.js';
import { type TempDir, makeTempDir } from '../helpers/temp-dir.js';
import { docFromUpdates, editRichly, recordingDoc, sameState } from '../helpers/persistence/yjs-content.js';

let dir: TempDir;
let store: LevelDbStore;
/** Batches of these kinds fail (as a disk error would) while listed. */
let failing: Array<WriteInfo['kind']> = [];

beforeEach(async () => {
  dir = await makeTempDir('failure');
  failing = [];
  store = await LevelDbStore.open({
    path: dir.path,
    compactAfterUpdates: Infinity,
    hooks: {
      beforeWrite: (info) => {
        if (failing.includes(info.kind)) throw new Error('injected: No space left on device');
      },
    },
  });
});
afterEach(async () => {
  await store.close();
  await dir.remove();
});

const bytes = (...values: number[]) => new Uint8Array(values);

it('rejects every append of a failed batch, refuses the next ones until the database is reopened, then writes again', async () => {
  await store.append('a', bytes(1));
  failing = ['group'];
  const results = await Promise.allSettled([store.append('a', bytes(2)), store.append('b', bytes(3)), store.delete('c')]);
  failing = [];
  for (const result of results) {
    expect(result.status).toBe('rejected');
    const reason = (result as PromiseRejectedResult).reason as StoreWriteError;
    expect(reason).toBeInstanceOf(StoreWriteError);
    expect(reason.message).toMatch(/"a", "b", "c".*No space left on device/);
    expect(reason.documents).toEqual(['a', 'b', 'c']);
  }
  expect(store.writeStats()).toMatchObject({ failedBatches: 1, appends: 1 });

  // Until the database has been reopened and checked, nothing is accepted (its log may end in a
  // damaged record that would swallow later ones).
  expect(store.health()).toMatchObject({ accepting: false, reason: 'write-failed' });
  await expect(store.append('a', bytes(9))).rejects.toBeInstanceOf(StoreUnavailableError);
  await waitFor(() => store.health().accepting);
  expect(store.writeStats().recoveries).toBe(1);

  // Nothing of the failed batch is stored, and the store goes on.
  await Promise.all([store.append('a', bytes(4)), store.append('b', bytes(5))]);
  expect(await store.load('a')).toEqual([bytes(1), bytes(4)]);
  expect(await store.load('b')).toEqual([bytes(5)]);
  expect((await store.stats('a'))!.nextSeq).toBe(2);
  expect(store.writeStats()).toMatchObject({ failedBatches: 1, appends: 3 });

  // And after reopening, the same.
  await store.close();
  store = await LevelDbStore.open({ path: dir.path });
  expect(await store.load('a')).toEqual([bytes(1), bytes(4)]);
});

it('keeps the old snapshot and whole tail when a compaction fails, recovers, and compacts later', async () => {
  const { doc, updates } = recordingDoc();
  editRichly(doc, 15);
  for (const u of updates) await store.append('doc', u);
  failing = ['compaction'];
  await expect(store.compact('doc')).rejects.toThrow(/No space left on device/);
  expect(store.writeStats().failedCompactions).toBe(1);
  expect(await store.stats('doc')).toMatchObject({ tailUpdates: updates.length, snapshotBytes: 0 });
  expect(sameState(docFromUpdates(await store.load('doc')), doc)).toEqual({ content: true, stateVector: true });

  // A failed compaction batch is a failed write like any other: the store recovers first.
  await waitFor(() => store.health().accepting);
  doc.getText('text').insert(0, 'later ');
  await store.append('doc', updates.at(-1)!);
  failing = [];
  await store.compact('doc');
  expect(await store.stats('doc')).toMatchObject({ tailUpdates: 0 });
  expect(sameState(docFromUpdates(await store.load('doc')), doc)).toEqual({ content: true, stateVector: true });
});
