import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as Y from 'yjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { repairStore } from '../../server/persistence/leveldb/repair.js';
import { LevelDbStore } from '../../server/persistence/leveldb-store.js';
import { type TempDir, makeTempDir } from '../helpers/temp-dir.js';
import { docFromUpdates } from '../helpers/persistence/yjs-content.js';

/**
 * Flipped bytes in each kind of LevelDB file, at seeded offsets. Whatever LevelDB makes of them,
 * a document that had content is served complete or refused (and then listed with its problem),
 * never served empty or partial; a database the store will not open (damaged MANIFEST or CURRENT,
 * or a table failing its checksums, which LevelDB could abort the process on) says to run
 * `quire repair`; and after the repair every document loads again, with whatever was lost
 * reported for that document.
 */
const DOCUMENTS = 30;
const KINDS = ['log', 'ldb', 'MANIFEST', 'CURRENT'] as const;
const SEEDS = [1, 2, 3];
const TUNING = { cacheSize: 8 << 20, writeBufferSize: 4 << 20, maxOpenFiles: 1000 };

let dir: TempDir;
let store: LevelDbStore | undefined;
beforeEach(async () => {
  dir = await makeTempDir('damaged');
});
afterEach(async () => {
  await store?.close();
  store = undefined;
  await dir.remove();
});

const docName = (i: number) => `team/doc-${i}`;

/** mulberry32: seeded offsets, so a failing case can be replayed. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * 30 documents written in two sessions: the first ends up in a table (.ldb, when LevelDB recovers
 * its log at the second open), the second stays in the write-ahead log (.log). Returns the numbers
 * each document's 'edits' array holds.
 */
async function writeDocuments(): Promise<number[][]> {
  const docs = Array.from({ length: DOCUMENTS }, () => new Y.Doc());
  const expected: number[][] = docs.map(() => []);
  for (const session of [0, 1]) {
    const s = await LevelDbStore.open({ path: dir.path });
    for (let round = 0; round < (session === 0 ? 12 : 6); round++) {
      await Promise.all(
        docs.map((doc, i) => {
          const n = session * 100 + round;
          let update: Uint8Array | undefined;
          doc.once('update', (u: Uint8Array) => (update = u));
          doc.transact(() => {
            doc.getArray<number>('edits').push([n]);
            doc.getText('text').insert(0, `document ${i}, edit ${n}. `.repeat(8));
          });
          expected[i]!.push(n);
          return s.append(docName(i), update!);
        }),
      );
    }
    await s.close();
  }
  return expected;
}

/** XORs `count` bytes of the largest file of the kind at seeded offsets; returns its name. */
function flipBytes(kind: (typeof KINDS)[number], seed: number, count = 8): string {
  const files = readdirSync(dir.path).filter((f) =>
    kind === 'log' ? f.endsWith('.log') : kind === 'ldb' ? f.endsWith('.ldb') : f.startsWith(kind),
  );
  const file = files.sort((a, b) => statSync(join(dir.path, b)).size - statSync(join(dir.path, a)).size)[0];
  if (file === undefined) throw new Error(`no ${kind} file in ${readdirSync(dir.path).join(', ')}`);
  const path = join(dir.path, file);
  const data = readFileSync(path);
  const random = prng(seed);
  for (let i = 0; i < count; i++) data[Math.floor(random() * data.length)]! ^= 1 + Math.floor(random() * 255);
  writeFileSync(path, data);
  return file;
}

const edits = (updates: Uint8Array[]) => docFromUpdates(updates).getArray<number>('edits').toArray();

describe.each(KINDS)('flipped bytes in the %s file', (kind) => {
  it.each(SEEDS)('seed %i: every document is complete or refused and listed, never empty; repair restores service', async (seed) => {
    const expected = await writeDocuments();
    const file = flipBytes(kind, seed);

    let opened: LevelDbStore | null = null;
    let noticed = false;
    try {
      opened = await LevelDbStore.open({ path: dir.path });
    } catch (err) {
      // Only damage LevelDB cannot work around safely stops the whole store (its bookkeeping, or
      // a table it could abort the process on), and the error says what to do.
      expect(kind !== 'log', `${file}: ${(err as Error).message}`).toBe(true);
      expect((err as Error).message).toMatch(/quire repair --data/);
      noticed = true;
    }
    if (opened !== null) {
      store = opened;
      const refused: string[] = [];
      for (let i = 0; i < DOCUMENTS; i++) {
        const loaded = await opened.load(docName(i)).then(edits, () => null);
        if (loaded === null) refused.push(docName(i));
        else expect(loaded, `${docName(i)} after damage to ${file}`).toEqual(expected[i]);
      }
      noticed ||= refused.length > 0;
      const listed = await opened.list();
      for (const name of refused) {
        expect(listed.find((info) => info.name === name)?.problem, `${name} listed with its problem`).toEqual(expect.any(String));
      }
      await opened.close();
      store = undefined;
    }

    const report = await repairStore(dir.path, { dryRun: false, tuning: TUNING });
    // Eight flipped bytes are never harmless here: the damage is noticed before or by the repair.
    expect(noticed || report.damaged.length > 0 || report.damagedTables.length > 0).toBe(true);
    store = await LevelDbStore.open({ path: dir.path });
    const reported = new Set(report.damaged.map((d) => d.name));
    for (let i = 0; i < DOCUMENTS; i++) {
      const name = docName(i);
      const loaded = edits(await store.load(name));
      // After the repair every document is served; any that lost something says so in the report.
      if (!reported.has(name)) expect(loaded, `${name} after repair`).toEqual(expected[i]);
      else
        expect(
          report.damaged.find((d) => d.name === name)!.lost.length + (report.damaged.find((d) => d.name === name)!.problem ? 1 : 0),
        ).toBeGreaterThan(0);
    }
    expect((await store.list()).filter((info) => info.problem !== undefined)).toEqual([]);
  });
});
