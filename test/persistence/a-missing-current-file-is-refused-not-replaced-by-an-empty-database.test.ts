/**
 * LevelDB's CURRENT names the MANIFEST that lists the database's table files. Without it, LevelDB
 * opened with create_if_missing takes the directory for a new database: it writes a fresh
 * MANIFEST, replays the write-ahead log, and deletes every table file as obsolete — the documents
 * in them are gone for good, where `quire repair` (LevelDB's RepairDB) could have rebuilt CURRENT
 * from the very same tables. So the store must refuse such a directory and name the repair.
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { LevelDbStore } from '../../server/persistence/leveldb-store.js';
import { DEFAULT_CACHE_SIZE, DEFAULT_MAX_OPEN_FILES, DEFAULT_WRITE_BUFFER_SIZE } from '../../server/persistence/leveldb/options.js';
import { repairStore } from '../../server/persistence/leveldb/repair.js';
import { removeTempDirs, tempDir } from '../helpers/temp-dir.js';

const tuning = { cacheSize: DEFAULT_CACHE_SIZE, writeBufferSize: DEFAULT_WRITE_BUFFER_SIZE, maxOpenFiles: DEFAULT_MAX_OPEN_FILES };

afterEach(removeTempDirs);

function textUpdates(count: number): Uint8Array[] {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => updates.push(update));
  for (let i = 0; i < count; i++) doc.getText('t').insert(i, 'x');
  return updates;
}

function textOf(updates: readonly Uint8Array[]): string {
  const doc = new Y.Doc();
  for (const update of updates) Y.applyUpdate(doc, update);
  return doc.getText('t').toString();
}

/** A data directory whose documents sit in LevelDB table files, not only in its log. */
async function directoryWithTables(): Promise<string> {
  const path = join(await tempDir('missing-current'), 'data');
  const store = await LevelDbStore.open({ path });
  for (const update of textUpdates(200)) await store.append('notes', update);
  await store.close();
  // Opening again recovers the log into a table file (LevelDB does this at every open).
  await (await LevelDbStore.open({ path })).close();
  expect(readdirSync(path).some((file) => file.endsWith('.ldb'))).toBe(true);
  return path;
}

describe('a data directory whose CURRENT file is missing', () => {
  it('is refused with the repair named, and its table files are left in place', async () => {
    const path = await directoryWithTables();
    const tables = readdirSync(path).filter((file) => file.endsWith('.ldb'));
    rmSync(join(path, 'CURRENT'));

    await expect(LevelDbStore.open({ path })).rejects.toThrow(/CURRENT.*quire repair/s);
    for (const table of tables) expect(existsSync(join(path, table))).toBe(true);
  });

  it('is brought back whole by quire repair', async () => {
    const path = await directoryWithTables();
    rmSync(join(path, 'CURRENT'));
    await LevelDbStore.open({ path }).then(
      (store) => store.close(),
      () => {},
    );

    const report = await repairStore(path, { dryRun: false, tuning });
    expect(report.damaged).toEqual([]);
    const store = await LevelDbStore.open({ path });
    try {
      expect(textOf(await store.load('notes'))).toBe('x'.repeat(200));
    } finally {
      await store.close();
    }
  });

  it('is opened as new when nothing but a MANIFEST is there (a crash during the very first open)', async () => {
    const path = join(await tempDir('missing-current'), 'data');
    await (await LevelDbStore.open({ path })).close();
    for (const file of readdirSync(path).filter((name) => !name.startsWith('MANIFEST-'))) rmSync(join(path, file));

    const store = await LevelDbStore.open({ path });
    try {
      await store.append('notes', textUpdates(1)[0]!);
      expect(await store.load('notes')).toHaveLength(1);
    } finally {
      await store.close();
    }
  });
});
