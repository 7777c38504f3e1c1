import 'fake-indexeddb/auto';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import * as prng from 'lib0/prng';
import * as Y from 'yjs';
import { FileOfflineStore } from '../../client/offline/file-store.js';
import { IndexedDbOfflineStore } from '../../client/offline/indexeddb-store.js';
import { LOG_HEADER, encodeRecord, readLog } from '../../client/offline/log-codec.js';
import { MemoryOfflineStore } from '../../client/offline/memory-store.js';
import { OfflineStoreProblem } from '../../client/offline/problems.js';
import { type RunningServer, startServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait-for.js';
import { closeClients, openClient, text } from '../helpers/offline/offline-client.js';
import { removeTempDirs, tempDir } from '../helpers/temp-dir.js';

let running: RunningServer | undefined;

afterEach(async () => {
  closeClients();
  await running?.close();
  running = undefined;
  await removeTempDirs();
});

const pending = (seq: number) => ({ session: 's', seq, update: new Uint8Array([seq, seq, seq, seq]) });
const HEADER_BYTES = 5;

/** A file store holding five one-record writes; returns each record's offset in the log. */
async function fiveRecords(directory: string): Promise<{ store: FileOfflineStore; offsets: number[] }> {
  const store = new FileOfflineStore({ directory });
  const offsets: number[] = [];
  for (let seq = 1; seq <= 5; seq++) {
    offsets.push(Math.max((await stat(store.pathOf('doc')).catch(() => ({ size: 0 }))).size, HEADER_BYTES));
    await store.write('doc', { updates: [], pending: [pending(seq)], acknowledged: [] });
  }
  await store.close();
  return { store, offsets };
}

async function damage(path: string, offset: number, bytes: number[]): Promise<void> {
  const content = await readFile(path);
  bytes.forEach((byte, i) => (content[offset + i] = byte));
  await writeFile(path, content);
}

describe('a damaged record in the file store costs that record, not the ones after it', () => {
  it.each([
    ['a flipped byte in its body', 10],
    ['a length field that points past the end of the file', 0],
    ['a length field that points inside the next record', 1],
  ])('%s: later records are kept and the damage is reported once', async (_, at) => {
    const directory = await tempDir('offline');
    const { store, offsets } = await fiveRecords(directory);
    const path = store.pathOf('doc');
    await damage(path, offsets[1]! + at, at === 1 ? [0x03] : [0x7f]);

    const reopened = new FileOfflineStore({ directory });
    const loaded = await reopened.load('doc');
    expect(loaded.pending.map((entry) => entry.seq)).toEqual([1, 3, 4, 5]);
    expect(loaded.problems?.map((problem) => problem.kind)).toEqual(['damaged-records']);
    expect(loaded.problems![0]!.message).toContain(`${path}.corrupt`);
    // The damaged log is kept for inspection; the live one was rewritten from what checked out.
    expect((await stat(`${path}.corrupt`)).size).toBeGreaterThan(0);
    await reopened.write('doc', { updates: [], pending: [pending(6)], acknowledged: [] });
    await reopened.close();

    const again = new FileOfflineStore({ directory });
    const reloaded = await again.load('doc');
    expect(reloaded.pending.map((entry) => entry.seq)).toEqual([1, 3, 4, 5, 6]);
    expect(reloaded.problems).toBeUndefined();
    await again.delete('doc');
    await expect(stat(`${path}.corrupt`)).rejects.toThrow();
    await again.close();
  });

  it('a whole last record with a bad checksum is reported; a torn last append is cut silently', async () => {
    const directory = await tempDir('offline');
    const { store } = await fiveRecords(directory);
    const path = store.pathOf('doc');
    const { size } = await stat(path);
    await damage(path, size - 1, [0x7f]);
    const reopened = new FileOfflineStore({ directory });
    const loaded = await reopened.load('doc');
    expect(loaded.pending.map((entry) => entry.seq)).toEqual([1, 2, 3, 4]);
    expect(loaded.problems?.map((problem) => problem.kind)).toEqual(['damaged-records']);
    await reopened.close();
    // A crash while appending leaves the start of a record only.
    const crashed = await tempDir('offline');
    const fresh = await fiveRecords(crashed);
    const crashedPath = fresh.store.pathOf('doc');
    await writeFile(crashedPath, (await readFile(crashedPath)).subarray(0, fresh.offsets[3]! + 6));
    const afterCrash = new FileOfflineStore({ directory: crashed });
    const cut = await afterCrash.load('doc');
    expect(cut.pending.map((entry) => entry.seq)).toEqual([1, 2, 3]);
    expect(cut.problems).toBeUndefined();
    await afterCrash.close();
  });

  it('a provider restoring a damaged log emits offline-error, and the offline edits after the damage reach the server', async () => {
    running = await startServer();
    const directory = await tempDir('offline');
    const writer = openClient(running.url, 'notes', { offline: new FileOfflineStore({ directory }) });
    await writer.provider.whenSynced();
    const type = async (word: string) => {
      writer.doc.getText('text').insert(writer.doc.getText('text').length, word);
      await writer.provider.whenStored();
    };
    await type('one ');
    await type('two ');
    await waitFor(() => writer.provider.pendingCount === 0, 'saved online');
    writer.provider.disconnect();
    await type('three ');
    await type('four ');
    writer.provider.destroy();
    await writer.provider.whenStored();
    const path = new FileOfflineStore({ directory }).pathOf('notes');
    // Damage the second write's record ("two "): its checksum no longer matches.
    const log = await readFile(path);
    const second = log.indexOf(Buffer.from('two '));
    expect(second).toBeGreaterThan(0);
    await damage(path, second, [0x58]);

    const reader = openClient(running.url, 'notes', { offline: new FileOfflineStore({ directory }), connect: false });
    const errors: Error[] = [];
    reader.provider.on('offline-error', (error) => errors.push(error));
    await reader.provider.whenRestored();
    expect(errors.map((error) => (error as OfflineStoreProblem).kind)).toEqual(['damaged-records']);
    // The offline edits after the damaged record were restored as pending.
    expect(reader.provider.pendingCount).toBe(2);
    reader.provider.connect();
    await waitFor(() => reader.provider.synced && reader.provider.pendingCount === 0, 'saved');
    // The server supplies what the damaged record held; the offline edits that depend on it apply.
    expect(text(reader)).toBe('one two three four ');
    const check = openClient(running.url, 'notes');
    await check.provider.whenSynced();
    expect(text(check)).toBe('one two three four ');
  });
});

describe('a stored update Yjs cannot apply costs itself, not the restore', () => {
  it('restores the other updates and the pending queue and reports the unreadable one', async () => {
    const store = new MemoryOfflineStore();
    const source = new Y.Doc();
    source.getText('text').insert(0, 'kept');
    const good = Y.encodeStateAsUpdate(source);
    await store.write('doc', {
      updates: [new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff]), good],
      pending: [{ session: 's', seq: 1, update: good }],
      acknowledged: [],
    });
    const client = openClient('http://127.0.0.1:9', 'doc', { offline: store, connect: false });
    const errors: Error[] = [];
    client.provider.on('offline-error', (error) => errors.push(error));
    await client.provider.whenRestored();
    expect(text(client)).toBe('kept');
    expect(client.provider.pendingCount).toBe(1);
    expect(errors.map((error) => (error as OfflineStoreProblem).kind)).toEqual(['damaged-records']);
  });
});

describe('resynchronising after a long damaged stretch', () => {
  it('skips 64 KiB of seeded garbage in the middle of a log and keeps every whole record after it', () => {
    const doc = new Y.Doc();
    const records: Uint8Array[] = [];
    doc.on('update', (update: Uint8Array) => {
      records.push(encodeRecord({ updates: [update], pending: [{ session: 's', seq: records.length + 1, update }], acknowledged: [] }));
    });
    const gen = prng.create(7);
    for (let i = 0; i < 3_000; i++) doc.getText('text').insert(prng.uint32(gen, 0, i), prng.word(gen, 1, 20));
    const log = Buffer.concat([LOG_HEADER, ...records]);
    const start = Math.floor(log.length / 3);
    for (let i = 0; i < 64 * 1024; i++) log[start + i] = prng.uint32(gen, 0, 255);
    const { records: kept, damaged, tornTail } = readLog(log);
    expect(damaged).toHaveLength(1);
    expect(tornTail).toBe(0);
    const seqs = kept.flatMap((changes) => changes.pending.map((entry) => entry.seq));
    // Every record wholly before or after the stretch survives, in order.
    let offset = LOG_HEADER.byteLength;
    const whole = records.flatMap((record, i) => {
      const intact = offset + record.byteLength <= start || offset >= start + 64 * 1024;
      offset += record.byteLength;
      return intact ? [i + 1] : [];
    });
    expect(seqs).toEqual(whole);
  });
});

describe('unreadable IndexedDB rows cost themselves, not the rest of the document', () => {
  it('skips rows of the wrong shape, reports them, and compaction leaves them out', async () => {
    const name = 'quire-damaged-rows';
    const store = new IndexedDbOfflineStore({ name, compactAfterBytes: 50 });
    const doc = new Y.Doc();
    const edit = (content: string) => {
      doc.getText('text').insert(0, content);
      return Y.encodeStateAsUpdate(doc);
    };
    const update = edit('kept');
    await store.write('doc', { updates: [update], pending: [{ session: 's', seq: 1, update }], acknowledged: [] });
    await store.close();
    await new Promise<void>((resolve, reject) => {
      const opening = indexedDB.open(name);
      opening.onerror = () => reject(opening.error);
      opening.onsuccess = () => {
        const transaction = opening.result.transaction(['updates', 'pending'], 'readwrite');
        transaction.objectStore('updates').add({ doc: 'doc', update: 'not bytes' });
        transaction.objectStore('pending').put({ doc: 'doc', session: 's', seq: 2, update: [1, 2, 3] });
        transaction.oncomplete = () => {
          opening.result.close();
          resolve();
        };
        transaction.onerror = () => reject(transaction.error);
      };
    });
    const reopened = new IndexedDbOfflineStore({ name, compactAfterBytes: 5 });
    const loaded = await reopened.load('doc');
    expect(loaded.updates).toEqual([update]);
    expect(loaded.pending.map((entry) => entry.seq)).toEqual([1]);
    expect(loaded.problems?.map((problem) => problem.kind)).toEqual(['damaged-records']);
    expect(loaded.problems![0]!.message).toContain('2 stored record(s)');
    // A write over the threshold compacts: the unreadable rows are left out for good.
    const later = edit('later ');
    const result = await reopened.write('doc', { updates: [later], pending: [{ session: 's', seq: 3, update: later }], acknowledged: [] });
    expect(result.problems).toEqual([]);
    const compacted = await reopened.load('doc');
    expect(compacted.problems).toBeUndefined();
    // Each session's pending records merge into one under its highest seq.
    expect(compacted.pending.map((entry) => entry.seq)).toEqual([3]);
    expect(compacted.updates).toHaveLength(1);
    await reopened.close();
  });
});
