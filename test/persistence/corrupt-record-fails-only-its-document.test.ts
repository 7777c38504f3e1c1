import { randomBytes } from 'node:crypto';
import * as zlib from 'node:zlib';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { crc32 } from '../../shared/crc32.js';
import { DocKeys } from '../../server/persistence/leveldb/keys.js';
import { CorruptDocumentError, LevelDbStore } from '../../server/persistence/leveldb-store.js';
import { RawLevelDb } from '../helpers/persistence/raw-leveldb.js';
import { type TempDir, makeTempDir } from '../helpers/temp-dir.js';
import { docFromUpdates, editRichly, recordingDoc, sameState } from '../helpers/persistence/yjs-content.js';

let dir: TempDir;
let store: LevelDbStore | undefined;

beforeEach(async () => {
  dir = await makeTempDir('corrupt');
});
afterEach(async () => {
  await store?.close();
  store = undefined;
  await dir.remove();
});

/** Writes documents 'damaged' (compacted, with a tail) and 'healthy', then closes the store. */
async function writeTwoDocuments(): Promise<{ healthy: ReturnType<typeof recordingDoc>; tailSeq: number }> {
  const s = await LevelDbStore.open({ path: dir.path });
  const damaged = recordingDoc();
  const healthy = recordingDoc();
  editRichly(damaged.doc, 10);
  editRichly(healthy.doc, 10);
  for (const u of damaged.updates) await s.append('damaged', u);
  await s.compact('damaged');
  await s.append('damaged', damaged.updates[0]!);
  for (const u of healthy.updates) await s.append('healthy', u);
  const tailSeq = (await s.stats('damaged'))!.nextSeq - 1;
  await s.close();
  return { healthy, tailSeq };
}

/** Changes the raw records with a plain leveldown handle, bypassing the store. */
type Damage = (db: RawLevelDb, keys: DocKeys, tailSeq: number) => Promise<void>;

async function tamper(change: Damage, tailSeq = 0): Promise<void> {
  const raw = await RawLevelDb.open(dir.path);
  try {
    await change(raw, new DocKeys('damaged'), tailSeq);
  } finally {
    await raw.close();
  }
}

// 'damaged' holds a snapshot and one tail update (seq tailSeq).
const damages: Array<[string, Damage, RegExp]> = [
  [
    'garbage in the snapshot',
    (db, keys) => db.put(keys.snapshot, Buffer.from('definitely not a Yjs update')),
    /snapshot: checksum mismatch/,
  ],
  [
    'a truncated snapshot',
    async (db, keys) => db.put(keys.snapshot, (await db.get(keys.snapshot))!.subarray(0, 10)),
    /snapshot: checksum mismatch/,
  ],
  [
    'one flipped bit in an update',
    async (db, keys, tailSeq) => {
      const value = Buffer.from((await db.get(keys.update(tailSeq)))!);
      value[value.length - 1]! ^= 1;
      await db.put(keys.update(tailSeq), value);
    },
    /update \d+: checksum mismatch/,
  ],
  ['malformed meta', (db, keys) => db.put(keys.meta, randomBytes(20)), /meta/],
  ['missing meta', (db, keys) => db.del(keys.meta), /meta is missing/],
  ['a deleted update the meta still counts', (db, keys, tailSeq) => db.del(keys.update(tailSeq)), /meta lists 1 updates/],
];

it.each(damages)('%s makes that document fail to load with a clear error, and only it', async (_label, damage, problem) => {
  const { healthy, tailSeq } = await writeTwoDocuments();
  await tamper(damage, tailSeq);
  store = await LevelDbStore.open({ path: dir.path });

  const error = await store.load('damaged').catch((err: unknown) => err);
  expect(error).toBeInstanceOf(CorruptDocumentError);
  expect((error as CorruptDocumentError).document).toBe('damaged');
  expect((error as Error).message).toMatch(/"damaged"/);
  expect((error as Error).message).toMatch(problem);

  const loaded = docFromUpdates(await store.load('healthy'));
  expect(sameState(loaded, healthy.doc)).toEqual({ content: true, stateVector: true });
  await store.append('healthy', new Uint8Array([0, 0]));
  expect((await store.list()).find((info) => info.name === 'healthy')?.problem).toBeUndefined();
});

it('lists a document whose meta is unreadable with its problem, and deleting it clears it', async () => {
  await writeTwoDocuments();
  await tamper(async (db, keys) => {
    await db.put(keys.meta, Buffer.from('junk'));
    // A name that is not UTF-8 (written by something else): listing must step past it, not loop.
    await db.put(Buffer.from([...Buffer.from('doc/'), 2, 0xff, 0xfe, ...Buffer.from('/m')]), Buffer.from('junk'));
  });
  store = await LevelDbStore.open({ path: dir.path });
  const listed = await store.list();
  expect(listed).toHaveLength(3);
  expect(listed.find((info) => info.name === 'damaged')).toMatchObject({
    bytes: 0,
    updatedAt: null,
    problem: expect.stringMatching(/meta/),
  });
  expect(listed.find((info) => info.name === 'healthy')?.problem).toBeUndefined();

  await expect(store.append('damaged', new Uint8Array([0, 0]))).rejects.toBeInstanceOf(CorruptDocumentError);
  await store.delete('damaged');
  expect(await store.load('damaged')).toEqual([]);
  await store.append('damaged', new Uint8Array([0, 0]));
  expect(await store.load('damaged')).toEqual([new Uint8Array([0, 0])]);
});

it('computes the same checksums as zlib, so records written by any earlier version still verify', () => {
  for (const size of [0, 1, 7, 64, 1000, 65_537]) {
    const data = randomBytes(size);
    expect(crc32(data)).toBe(zlib.crc32(data));
  }
});
