/**
 * Version records in LevelDB (layout: versions-keys.ts). Writes go through the store's single
 * writer, queued behind every append issued before them, so a version on disk implies the
 * content it covers is on disk too.
 */
import createDebug from 'debug';
import type { VersionChange, VersionRecord, VersionRecordStore } from '../../versions/types.js';
import type { BatchOp, Db } from './db.js';
import { CorruptDocumentError } from './errors.js';
import { frame, unframe } from './records.js';
import { VersionKeys } from './versions-keys.js';
import { decodeVersionMeta, encodeVersionMeta } from './versions-records.js';
import type { Writer } from './writer.js';

const log = createDebug('quire:store:leveldb:versions');

export interface LevelDbVersionsContext {
  db: Db;
  writer: Writer;
  /** Wraps a read so closing the store waits for it (and refuses it once closing). */
  read: <T>(run: () => Promise<T>) => Promise<T>;
  /** Throws when the store is closing. */
  assertOpen: () => void;
}

export class LevelDbVersionRecords implements VersionRecordStore {
  constructor(private readonly context: LevelDbVersionsContext) {}

  listVersions(docName: string): Promise<VersionRecord[]> {
    const keys = new VersionKeys(docName);
    return this.context.read(async () => {
      const entries = await this.context.db.readRange(keys.metas);
      return entries.map(({ key, value }) => {
        const result = decodeVersionMeta(value);
        if ('problem' in result) throw new CorruptDocumentError(docName, result.problem);
        if (result.record.id !== VersionKeys.idOf(key))
          throw new CorruptDocumentError(docName, `version ${VersionKeys.idOf(key)}: id mismatch`);
        return result.record;
      });
    });
  }

  readVersionPayloads(docName: string, ids: readonly number[]): Promise<Uint8Array[]> {
    const keys = new VersionKeys(docName);
    return this.context.read(async () => {
      const values = await this.context.db.getMany(ids.map((id) => keys.payload(id)));
      return values.map((value, i) => {
        if (value === undefined) throw new CorruptDocumentError(docName, `version ${ids[i]}: payload missing`);
        const result = unframe(value);
        if ('problem' in result) throw new CorruptDocumentError(docName, `version ${ids[i]}: ${result.problem}`);
        return result.payload;
      });
    });
  }

  async commitVersions(docName: string, change: VersionChange): Promise<void> {
    const keys = new VersionKeys(docName);
    const ops: BatchOp[] = [];
    for (const id of change.remove) ops.push({ type: 'del', key: keys.meta(id) }, { type: 'del', key: keys.payload(id) });
    for (const { record, payload } of change.put) {
      ops.push({ type: 'put', key: keys.payload(record.id), value: frame(payload) });
      ops.push({ type: 'put', key: keys.meta(record.id), value: encodeVersionMeta(record) });
    }
    await this.write(docName, ops);
  }

  async deleteAllVersions(docName: string): Promise<void> {
    const keys = new VersionKeys(docName);
    this.context.assertOpen();
    await afterQueuedAppends();
    await this.context.writer.exclusive(async () => {
      const entries = await this.context.db.readRange(keys.all, { values: false });
      if (entries.length === 0) return;
      const ops: BatchOp[] = entries.map(({ key }) => ({ type: 'del', key }));
      await this.context.writer.write({ kind: 'versions', documents: [docName], operations: ops.length }, ops);
      log('deleted %d version records of %s', entries.length, JSON.stringify(docName));
    });
  }

  private async write(docName: string, ops: BatchOp[]): Promise<void> {
    this.context.assertOpen();
    await afterQueuedAppends();
    await this.context.writer.exclusive(() =>
      this.context.writer.write({ kind: 'versions', documents: [docName], operations: ops.length }, ops),
    );
  }
}

/**
 * Group commit queues its batch from a setImmediate; waiting for one lets every append issued
 * before this call reach the writer's queue first, so the version write lands after them.
 */
function afterQueuedAppends(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
