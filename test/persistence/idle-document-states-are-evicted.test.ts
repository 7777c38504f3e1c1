import { afterEach, beforeEach, expect, it } from 'vitest';
import { LevelDbStore } from '../../server/persistence/leveldb-store.js';
import { type TempDir, makeTempDir } from '../helpers/temp-dir.js';

let dir: TempDir;
let store: LevelDbStore;
beforeEach(async () => {
  dir = await makeTempDir('evict');
  store = await LevelDbStore.open({ path: dir.path, maxCachedStates: 50, compactAfterUpdates: 3 });
});
afterEach(async () => {
  await store.close();
  await dir.remove();
});

const bytes = (...values: number[]) => new Uint8Array(values);

it('keeps at most maxCachedStates document states, and evicted documents read and write on correctly', async () => {
  for (let round = 0; round < 2; round++) {
    await Promise.all(Array.from({ length: 400 }, (_, i) => store.append(`doc-${i}`, bytes(round, i % 256))));
    expect(store.cachedStates()).toBeLessThanOrEqual(50);
  }
  // A third append to every document passes the compaction threshold while states come and go.
  await Promise.all(Array.from({ length: 400 }, (_, i) => store.append(`doc-${i}`, bytes(2, i % 256))));
  await store.whenIdle();
  expect(store.cachedStates()).toBeLessThanOrEqual(50);
  for (const i of [0, 1, 199, 399]) {
    expect(await store.stats(`doc-${i}`)).toMatchObject({ nextSeq: 3 });
    expect((await store.load(`doc-${i}`)).length).toBeGreaterThanOrEqual(1);
  }
  // A document deleted after its state was evicted stays deleted, and starts over cleanly.
  await store.delete('doc-3');
  expect(await store.load('doc-3')).toEqual([]);
  await store.append('doc-3', bytes(9));
  expect(await store.load('doc-3')).toEqual([bytes(9)]);
  expect((await store.list()).filter((info) => info.problem !== undefined)).toEqual([]);
});
