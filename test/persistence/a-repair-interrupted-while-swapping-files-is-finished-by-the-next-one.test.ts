/**
 * `quire repair` builds the repaired database in `rebuild-in-progress/`, then moves the old files
 * to `lost/` and the new ones in. A crash in the middle of those moves leaves the directory half
 * old, half new. The next repair used to start by deleting `rebuild-in-progress/` — with the rest
 * of the new database in it — and rebuild from whatever had been moved in, with no ledger to
 * notice what was missing. It must finish the interrupted swap instead, and a store must not open
 * the half-swapped directory meanwhile.
 *
 * The crash is a throw from the n-th rename of the swap (nothing after it runs, as after SIGKILL).
 */
import { readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { checkDataDirectory } from '../../server/cli/data-dir-witness.js';
import { LevelDbStore } from '../../server/persistence/leveldb-store.js';
import { DEFAULT_CACHE_SIZE, DEFAULT_MAX_OPEN_FILES, DEFAULT_WRITE_BUFFER_SIZE } from '../../server/persistence/leveldb/options.js';
import { repairStore } from '../../server/persistence/leveldb/repair.js';
import { removeTempDirs, tempDir } from '../helpers/temp-dir.js';

const crash = vi.hoisted(() => ({ atSwapRename: -1, swapRenames: 0, crashed: false }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  // After the crash nothing runs any more: every later file operation fails too.
  const stopped = Object.fromEntries(
    Object.entries(actual).map(([name, value]) => [
      name,
      typeof value === 'function'
        ? (...args: unknown[]) => {
            if (crash.crashed) return Promise.reject(new Error('simulated crash in the middle of the swap'));
            return (value as (...a: unknown[]) => unknown)(...args);
          }
        : value,
    ]),
  ) as typeof actual;
  const rename: typeof actual.rename = async (from, to) => {
    // Only the moves between the data directory, lost/ and rebuild-in-progress/ count as the swap.
    if (/[/\\](lost|rebuild-in-progress)[/\\]/.test(`${String(from)}|${String(to)}`) && crash.swapRenames++ === crash.atSwapRename) {
      crash.crashed = true;
    }
    return stopped.rename(from, to);
  };
  return { ...stopped, rename, default: { ...stopped, rename } };
});

const tuning = { cacheSize: DEFAULT_CACHE_SIZE, writeBufferSize: DEFAULT_WRITE_BUFFER_SIZE, maxOpenFiles: DEFAULT_MAX_OPEN_FILES };
const DOCUMENTS = 20;

afterEach(removeTempDirs);

function textDoc(text: string): Uint8Array {
  const doc = new Y.Doc();
  doc.getText('t').insert(0, text);
  return Y.encodeStateAsUpdate(doc);
}

/** A data directory with sound documents and one whose last updates were lost (a damaged log). */
async function damagedDirectory(): Promise<string> {
  const path = join(await tempDir('repair-swap'), 'data');
  const store = await LevelDbStore.open({ path });
  for (let i = 0; i < DOCUMENTS; i++) await store.append(`doc-${i}`, textDoc(`document ${i}`));
  await store.close();
  // The tables now hold the sound documents; the next log gets a document we then damage.
  const again = await LevelDbStore.open({ path });
  for (let i = 0; i < 50; i++) await again.append('damaged', textDoc(`late ${i} `.repeat(50)));
  await again.close();
  const log = readdirSync(path).find((file) => file.endsWith('.log'))!;
  const bytes = readFileSync(join(path, log));
  bytes[Math.floor(bytes.length / 2)]! ^= 0x55;
  writeFileSync(join(path, log), bytes);
  return path;
}

async function soundDocuments(path: string): Promise<number> {
  const store = await LevelDbStore.open({ path });
  try {
    let sound = 0;
    for (let i = 0; i < DOCUMENTS; i++) {
      const doc = new Y.Doc();
      for (const update of await store.load(`doc-${i}`)) Y.applyUpdate(doc, update);
      if (doc.getText('t').toString() === `document ${i}`) sound++;
    }
    return sound;
  } finally {
    await store.close();
  }
}

describe('a repair interrupted in the middle of swapping the rebuilt database in', () => {
  it('is finished by the next repair, whichever move it stopped at', async () => {
    // How many moves a whole swap makes here.
    crash.atSwapRename = -1;
    crash.swapRenames = 0;
    await repairStore(await damagedDirectory(), { dryRun: false, tuning });
    const moves = crash.swapRenames;
    expect(moves).toBeGreaterThan(5);

    for (let stop = 0; stop < moves; stop++) {
      const path = await damagedDirectory();
      crash.atSwapRename = stop;
      crash.swapRenames = 0;
      await expect(repairStore(path, { dryRun: false, tuning }), `crash at move ${stop}`).rejects.toThrow(/simulated crash/);
      crash.atSwapRename = -1;
      crash.crashed = false;

      // Before the swap began (the new ledger's own rename) the old database is intact and served;
      // from then on the half-swapped directory is refused until a repair finishes it.
      const served = await soundDocuments(path).catch((err: Error) => err);
      if (served instanceof Error) expect(served.message, `open after a crash at move ${stop}`).toMatch(/quire repair/);
      else expect(served, `documents after a crash at move ${stop}, before any repair`).toBe(DOCUMENTS);
      await repairStore(path, { dryRun: false, tuning });
      expect(await soundDocuments(path), `documents after a crash at move ${stop}`).toBe(DOCUMENTS);
    }
  }, 120_000);

  it('makes the server name the unfinished repair instead of a missing data directory', async () => {
    const path = await damagedDirectory();
    checkDataDirectory(path); // the witness a running server leaves beside its data directory
    crash.atSwapRename = 4;
    crash.swapRenames = 0;
    await expect(repairStore(path, { dryRun: false, tuning })).rejects.toThrow(/simulated crash/);
    crash.atSwapRename = -1;
    crash.crashed = false;

    expect(() => checkDataDirectory(path)).toThrow(/repair .* was interrupted .*quire repair --data/);
    await repairStore(path, { dryRun: false, tuning });
    expect(() => checkDataDirectory(path)).not.toThrow();
  });
});
