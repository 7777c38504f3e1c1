import { afterEach, beforeEach, expect, it } from 'vitest';
import { parseKey } from '../../server/persistence/leveldb/keys.js';
import { LevelDbStore, type WriteInfo } from '../../server/persistence/leveldb-store.js';
import { RawLevelDb } from '../helpers/persistence/raw-leveldb.js';
import { type TempDir, makeTempDir } from '../helpers/temp-dir.js';
import { editRichly, recordingDoc } from '../helpers/persistence/yjs-content.js';

let dir: TempDir;
beforeEach(async () => {
  dir = await makeTempDir('delete');
});
afterEach(async () => {
  await dir.remove();
});

/** The name of the document each raw key belongs to, by kind. */
async function rawRecords(): Promise<Map<string, string[]>> {
  const raw = await RawLevelDb.open(dir.path);
  try {
    const byName = new Map<string, string[]>();
    for (const key of await raw.keys()) {
      const parsed = parseKey(key);
      expect(parsed, `unexpected key ${key.toString('hex')}`).not.toBeNull();
      byName.set(parsed!.name, [...(byName.get(parsed!.name) ?? []), parsed!.kind]);
    }
    return byName;
  } finally {
    await raw.close();
  }
}

it('removes snapshot, tail and meta of the document in one batch, and nothing else', async () => {
  const writes: WriteInfo[] = [];
  const store = await LevelDbStore.open({
    path: dir.path,
    compactAfterUpdates: Infinity,
    hooks: { beforeWrite: (info) => void writes.push(info) },
  });
  const { doc, updates } = recordingDoc();
  editRichly(doc, 20);
  for (const name of ['gone', 'gone/child', 'gon', 'kept']) {
    await Promise.all(updates.map((u) => store.append(name, u)));
  }
  await store.compact('gone');
  await Promise.all(Array.from({ length: 1000 }, (_, i) => store.append('gone', updates[i % updates.length]!)));
  expect((await store.stats('gone'))!.tailUpdates).toBe(1000);

  writes.length = 0;
  await store.delete('gone');
  // meta + snapshot + 1,000 tail updates
  expect(writes).toEqual([{ kind: 'group', documents: ['gone'], operations: 1 + 1 + 1000 }]);
  await store.close();

  const records = await rawRecords();
  expect(records.has('gone')).toBe(false);
  for (const name of ['gone/child', 'gon', 'kept']) {
    expect(records.get(name)).toEqual(['meta', ...updates.map(() => 'update')]);
  }
});

it('removes a document appended to in the same batch as its delete', async () => {
  const store = await LevelDbStore.open({ path: dir.path });
  await store.append('doc', new Uint8Array([1]));
  await Promise.all([store.append('doc', new Uint8Array([2])), store.delete('doc')]);
  await store.close();
  expect((await rawRecords()).has('doc')).toBe(false);
});
