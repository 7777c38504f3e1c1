import 'fake-indexeddb/auto';
import { mkdir, readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { FileOfflineStore } from '../../client/offline/file-store.js';
import { IndexedDbOfflineStore } from '../../client/offline/indexeddb-store.js';
import { readLog } from '../../client/offline/log-codec.js';
import { MemoryOfflineStore } from '../../client/offline/memory-store.js';
import { OfflineStoreProblem } from '../../client/offline/problems.js';
import type { OfflineStore, StoredDocument } from '../../client/offline/types.js';
import { closeClients, openClient } from '../helpers/offline/offline-client.js';
import { removeTempDirs, tempDir } from '../helpers/temp-dir.js';

afterEach(async () => {
  closeClients();
  await removeTempDirs();
});

const pending = (seq: number, update: Uint8Array) => ({ session: 's', seq, update });

/** A real Yjs update of `bytes` characters. */
function textUpdate(bytes: number): Uint8Array {
  const doc = new Y.Doc();
  doc.getText('text').insert(0, 'x'.repeat(bytes));
  return Y.encodeStateAsUpdate(doc);
}

/** Bytes that pass every store's checks but that Yjs cannot merge: compaction fails on them. */
const unmergeable = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff]);

function pendingSeqs(stored: StoredDocument): number[] {
  return stored.pending.map((entry) => entry.seq);
}

async function expectWritesAreStoredOnce(store: OfflineStore): Promise<void> {
  const poison = await store.write('doc', { updates: [unmergeable], pending: [], acknowledged: [] });
  expect(poison?.problems ?? []).toEqual([]);
  const result = await store.write('doc', { updates: [textUpdate(300)], pending: [pending(1, textUpdate(300))], acknowledged: [] });
  expect(result?.problems).toEqual([expect.any(OfflineStoreProblem)]);
  expect(result!.problems[0]!.kind).toBe('compaction-failed');
  await store.write('doc', { updates: [], pending: [pending(2, textUpdate(10))], acknowledged: [] });
  const stored = await store.load('doc');
  expect(pendingSeqs(stored)).toEqual([1, 2]);
  expect(stored.updates).toHaveLength(2);
}

describe('a compaction that fails after the write was stored is reported, not failed', () => {
  it('FileOfflineStore: the write resolves with the problem and its record is stored once', async () => {
    const store = new FileOfflineStore({ directory: await tempDir('offline'), compactAfterBytes: 100 });
    await expectWritesAreStoredOnce(store);
    await store.close();
  });

  it('MemoryOfflineStore: the write resolves with the problem and its records are applied once', async () => {
    await expectWritesAreStoredOnce(new MemoryOfflineStore({ compactAfterBytes: 100 }));
  });

  it('IndexedDbOfflineStore: the write resolves with the problem and its rows are added once', async () => {
    const store = new IndexedDbOfflineStore({ name: 'quire-compaction-failure', compactAfterBytes: 100 });
    await expectWritesAreStoredOnce(store);
    await store.close();
  });

  it('FileOfflineStore: a compaction that cannot create its file leaves no temporary file and is tried again later', async () => {
    const directory = await tempDir('offline');
    const store = new FileOfflineStore({ directory, compactAfterBytes: 100 });
    // A directory where compaction writes its temporary file: a real file-system error, even as root.
    await mkdir(`${store.pathOf('doc')}.${process.pid}.tmp`);
    const first = await store.write('doc', { updates: [textUpdate(200)], pending: [pending(1, textUpdate(200))], acknowledged: [] });
    expect(first.problems.map((problem) => problem.kind)).toEqual(['compaction-failed']);
    // Not at every write: only once as much more has been appended.
    const second = await store.write('doc', { updates: [], pending: [pending(2, textUpdate(5))], acknowledged: [] });
    expect(second.problems).toEqual([]);
    expect(pendingSeqs(await store.load('doc'))).toEqual([1, 2]);
    await store.close();
  });

  it('a provider reports the failed compaction once as offline-error and never appends the same edits twice', async () => {
    const directory = await tempDir('offline');
    const store = new FileOfflineStore({ directory, compactAfterBytes: 200 });
    await mkdir(`${store.pathOf('doc')}.${process.pid}.tmp`);
    const client = openClient('http://127.0.0.1:9', 'doc', { offline: store, connect: false });
    const errors: Error[] = [];
    client.provider.on('offline-error', (error) => errors.push(error));
    await client.provider.whenRestored();
    for (let i = 0; i < 20; i++) {
      client.doc.getText('text').insert(0, `edit ${i} `.repeat(5));
      await client.provider.whenStored();
    }
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((error) => error instanceof OfflineStoreProblem && error.kind === 'compaction-failed')).toBe(true);
    const log = readLog(await readFile(store.pathOf('doc')));
    const seqs = log.records.flatMap((record) => record.pending.map((entry) => entry.seq));
    expect(seqs).toEqual([...new Set(seqs)]);
    expect(seqs).toHaveLength(20);
  });
});
