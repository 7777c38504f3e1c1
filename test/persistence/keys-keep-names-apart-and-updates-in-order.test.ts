import { afterAll, beforeAll, expect, it } from 'vitest';
import { DocKeys, InvalidDocumentNameError, parseKey } from '../../server/persistence/leveldb/keys.js';
import { LevelDbStore } from '../../server/persistence/leveldb-store.js';
import { type TempDir, makeTempDir } from '../helpers/temp-dir.js';

const TRICKY = ['', 'a', 'a/', 'a/u/', 'a\u0000', 'é', 'e\u0301', '🧪/x', 'x'.repeat(255), 'é'.repeat(127) + 'x'];

it('decodes every key back to its document and record', () => {
  for (const name of TRICKY) {
    const keys = new DocKeys(name);
    expect(parseKey(keys.meta)).toEqual({ name, kind: 'meta' });
    expect(parseKey(keys.snapshot)).toEqual({ name, kind: 'snapshot' });
    for (const seq of [0, 1, 255, 256, 2 ** 32 - 1, 2 ** 32, Number.MAX_SAFE_INTEGER]) {
      expect(parseKey(keys.update(seq))).toEqual({ name, kind: 'update', seq });
    }
  }
});

it("gives each document a key range no other document's keys fall into", () => {
  const compare = (a: Buffer, b: Buffer) => Buffer.compare(a, b);
  for (const name of TRICKY) {
    const { gte, lt } = new DocKeys(name).all;
    for (const other of TRICKY.filter((n) => n !== name)) {
      const keys = new DocKeys(other);
      for (const key of [keys.meta, keys.snapshot, keys.update(0), keys.update(2 ** 40)]) {
        expect(compare(key, gte) >= 0 && compare(key, lt) < 0, `${other} inside ${name}`).toBe(false);
      }
    }
  }
});

it('sorts update keys in seq order, and meta before snapshot before the tail', () => {
  const keys = new DocKeys('doc');
  const seqs = [0, 1, 2, 255, 256, 65_535, 65_536, 2 ** 32 - 1, 2 ** 32, 2 ** 40, Number.MAX_SAFE_INTEGER];
  const sorted = seqs.map((seq) => keys.update(seq)).sort(Buffer.compare);
  expect(sorted.map((key) => (parseKey(key) as { seq: number }).seq)).toEqual(seqs);
  expect([keys.update(0), keys.snapshot, keys.meta].sort(Buffer.compare)).toEqual([keys.meta, keys.snapshot, keys.update(0)]);
});

let dir: TempDir;
let store: LevelDbStore;
beforeAll(async () => {
  dir = await makeTempDir('names');
  store = await LevelDbStore.open({ path: dir.path });
});
afterAll(async () => {
  await store.close();
  await dir.remove();
});

it('refuses names it cannot store unambiguously: over 255 bytes, or lone surrogates', async () => {
  for (const name of ['x'.repeat(256), 'é'.repeat(128), 'a\ud800b', '\udc00']) {
    await expect(store.append(name, new Uint8Array([0, 0]))).rejects.toBeInstanceOf(InvalidDocumentNameError);
    await expect(store.load(name)).rejects.toBeInstanceOf(InvalidDocumentNameError);
  }
  expect(await store.list()).toEqual([]);
});
