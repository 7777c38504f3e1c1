/**
 * The acknowledgement ledger is read up to its first record that does not check out; what follows
 * is dropped when the ledger is rewritten at open. After a torn write that is harmless, but a
 * damaged record in the middle takes every later claim with it, and losses of those documents
 * then go unnoticed: the open report must say how many bytes were unreadable, so the operator
 * sees it. (The count used to be taken after the rewrite had reset it, so it was always 0.)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LevelDbStore } from '../../server/persistence/leveldb-store.js';
import { LEDGER_FILE } from '../../server/persistence/leveldb/ledger.js';
import { removeTempDirs, tempDir } from '../helpers/temp-dir.js';

afterEach(removeTempDirs);

describe('a ledger with a damaged record', () => {
  it('is reported by the open report with the bytes that could not be read', async () => {
    const path = join(await tempDir('damaged-ledger'), 'data');
    const store = await LevelDbStore.open({ path });
    for (const name of ['a', 'b', 'c']) await store.append(name, Uint8Array.of(0, 0));
    await store.close();
    const ledger = join(path, LEDGER_FILE);
    const bytes = readFileSync(ledger);
    bytes[Math.floor(bytes.length / 2)]! ^= 0x55;
    writeFileSync(ledger, bytes);

    const reopened = await LevelDbStore.open({ path });
    try {
      expect(reopened.openReport.ledgerUnreadableBytes).toBeGreaterThan(0);
    } finally {
      await reopened.close();
    }
  });
});
