import { afterEach, beforeEach, expect, it } from 'vitest';
import { LevelDbStore, type LevelDbStoreOptions, type WriteInfo } from '../../server/persistence/leveldb-store.js';
import { makeGate, turns } from '../helpers/persistence/gate.js';
import { type TempDir, makeTempDir } from '../helpers/temp-dir.js';

let dir: TempDir;
let store: LevelDbStore;
const writes: WriteInfo[] = [];

async function open(options: Partial<LevelDbStoreOptions> = {}): Promise<LevelDbStore> {
  store = await LevelDbStore.open({ path: dir.path, ...options });
  return store;
}

beforeEach(async () => {
  dir = await makeTempDir('group');
  writes.length = 0;
});
afterEach(async () => {
  await store.close();
  await dir.remove();
});

const update = (n: number) => new Uint8Array([n & 0xff, n >> 8, 1, 2, 3]);

it('writes all appends of one turn, across documents, in one batch', async () => {
  await open({ hooks: { beforeWrite: (info) => void writes.push(info) } });
  const appends = [];
  for (let i = 0; i < 500; i++) appends.push(store.append(`doc-${i % 7}`, update(i)));
  await Promise.all(appends);
  expect(writes).toHaveLength(1);
  expect(writes[0]!.kind).toBe('group');
  expect(writes[0]!.documents).toHaveLength(7);
  expect(store.writeStats()).toMatchObject({ batches: 1, groupBatches: 1, appends: 500 });
});

it('acknowledges an append only once the batch holding it is written', async () => {
  const gate = makeGate();
  await open({ hooks: { beforeWrite: () => gate.wait } });
  let acknowledged = 0;
  const appends = [1, 2, 3].map((n) => store.append('doc', update(n)).then(() => void acknowledged++));
  await turns(20);
  expect(acknowledged).toBe(0);
  expect(store.writeStats().batches).toBe(0);
  gate.open();
  await Promise.all(appends);
  expect(acknowledged).toBe(3);
  expect(store.writeStats().batches).toBe(1);
});

it('gathers the appends of every turn that passes while a batch is in flight into the next one batch', async () => {
  const gate = makeGate();
  await open({
    hooks: {
      beforeWrite: (info) => {
        writes.push(info);
        return gate.wait;
      },
    },
  });
  const first = store.append('a', update(0));
  await turns(3); // the first batch is now held in flight
  const later = [];
  for (let turn = 0; turn < 5; turn++) {
    later.push(store.append('a', update(turn + 1)), store.append(`b-${turn}`, update(turn)));
    await turns(1);
  }
  gate.open();
  await Promise.all([first, ...later]);
  expect(writes.map((w) => w.documents.length)).toEqual([1, 6]);
  expect((await store.load('a')).map((u) => u[0])).toEqual([0, 1, 2, 3, 4, 5]);
});

it('acknowledges fsynced (sync: true) batches the same way, one batch per turn', async () => {
  await open({ sync: true, hooks: { beforeWrite: (info) => void writes.push(info) } });
  await Promise.all([1, 2, 3, 4].map((n) => store.append('synced', update(n))));
  await Promise.all([5, 6].map((n) => store.append('synced', update(n))));
  expect(writes).toHaveLength(2);
  expect((await store.load('synced')).map((u) => u[0])).toEqual([1, 2, 3, 4, 5, 6]);
});
