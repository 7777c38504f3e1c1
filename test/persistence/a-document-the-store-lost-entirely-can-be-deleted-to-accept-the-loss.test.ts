/**
 * When LevelDB loses every record of a document (its write-ahead log was removed or damaged), the
 * acknowledgement ledger still knows it: it is listed with its problem and every load fails, as it
 * should. OPERATING.md offers deleting the document through the admin API as one way to accept
 * the loss; but the admin API asks the store whether the document exists first (`has`, without
 * reading it), and `has` looked only at LevelDB: the answer was 404 DOCUMENT_NOT_FOUND, and the
 * document stayed unusable until an offline `quire repair`.
 */
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createServer } from '../../server/index.js';
import { LevelDbStore } from '../../server/persistence/leveldb-store.js';
import { removeTempDirs, tempDir } from '../helpers/temp-dir.js';

afterEach(removeTempDirs);

function textDoc(text: string): Uint8Array {
  const doc = new Y.Doc();
  doc.getText('t').insert(0, text);
  return Y.encodeStateAsUpdate(doc);
}

describe('a document whose every record LevelDB lost', () => {
  it('exists for the store and is deleted through the server, after which it is usable again', async () => {
    const path = join(await tempDir('lost-entirely'), 'data');
    const first = await LevelDbStore.open({ path });
    await first.append('kept', textDoc('kept'));
    await first.close();
    const second = await LevelDbStore.open({ path }); // 'kept' moves from the log into a table
    await second.append('lost', textDoc('lost'));
    await second.close();
    for (const file of readdirSync(path).filter((name) => name.endsWith('.log'))) rmSync(join(path, file));

    const store = await LevelDbStore.open({ path });
    expect(store.damagedDocuments().map(({ name }) => name)).toEqual(['lost']);
    await expect(store.load('lost')).rejects.toThrow(/acknowledged/);
    expect(await store.has('lost')).toBe(true);

    const server = createServer({ store });
    try {
      expect(await server.deleteDocument('lost')).toBe(true);
      expect(await store.load('lost')).toEqual([]);
      expect((await store.list()).filter((info) => info.problem !== undefined)).toEqual([]);
      await store.append('lost', textDoc('written again'));
      expect(await store.load('lost')).toHaveLength(1);
    } finally {
      await server.close();
    }
  });
});
