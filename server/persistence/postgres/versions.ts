/**
 * Version records in PostgreSQL (the record layer of server/versions), so version history works
 * on a cluster: every node reads and writes one document's versions in the shared table.
 *
 *   versions(name bytea, id bigint, meta jsonb, snapshot bytea, payload bytea, PK (name, id))
 *
 * `meta` holds the record's fields but the snapshot (JSON: few, small fields that will grow, as in
 * LevelDB's encoding). Each change is one transaction, taken after every append this store issued
 * before it has committed, so a version implies the content it covers is committed too.
 *
 * Two nodes may change one document's versions at once (say, both take an automatic version):
 * each read the chain and then writes the next id. A new record (`isNew`) whose id exists is
 * refused (VersionIdTakenError: the chain reads again and takes the next id), so the other node's
 * version stands; only renames and folds rewrite a record.
 */
import { CorruptDocumentError } from '../leveldb/errors.js';
import { isVersionFields } from '../../versions/record-fields.js';
import type { VersionChange, VersionRecord, VersionRecordStore } from '../../versions/types.js';
import { VersionIdTakenError } from '../../versions/version-id-taken.js';
import { type ClientPool, inTransaction } from './queryable.js';
import { nameBytes } from './reader.js';
import type { Tables } from './schema.js';

export class PostgresVersionRecords implements VersionRecordStore {
  constructor(
    private readonly pool: ClientPool,
    private readonly tables: Tables,
    /** Resolves once every append issued before the call has committed (or failed). */
    private readonly appendsSettled: () => Promise<void>,
  ) {}

  async listVersions(docName: string): Promise<VersionRecord[]> {
    const result = await this.pool.query<{ id: string; meta: unknown; snapshot: Buffer }>(
      `SELECT id, meta, snapshot FROM ${this.tables.versions} WHERE name = $1 ORDER BY id`,
      [nameBytes(docName)],
    );
    return result.rows.map((row) => {
      const id = Number(row.id);
      if (!isVersionFields(row.meta) || row.meta.id !== id)
        throw new CorruptDocumentError(docName, `version ${id}: missing or invalid fields`);
      return { ...row.meta, authors: [...row.meta.authors], snapshot: new Uint8Array(row.snapshot) };
    });
  }

  async readVersionPayloads(docName: string, ids: readonly number[]): Promise<Uint8Array[]> {
    if (ids.length === 0) return [];
    const result = await this.pool.query<{ id: string; payload: Buffer }>(
      `SELECT id, payload FROM ${this.tables.versions} WHERE name = $1 AND id = ANY($2::bigint[])`,
      [nameBytes(docName), [...ids]],
    );
    const byId = new Map(result.rows.map((row) => [Number(row.id), row.payload]));
    return ids.map((id) => {
      const payload = byId.get(id);
      if (payload === undefined) throw new CorruptDocumentError(docName, `version ${id}: payload missing`);
      return new Uint8Array(payload);
    });
  }

  async commitVersions(docName: string, change: VersionChange): Promise<void> {
    await this.appendsSettled();
    const name = nameBytes(docName);
    await inTransaction(this.pool, async (db) => {
      if (change.remove.length > 0)
        await db.query(`DELETE FROM ${this.tables.versions} WHERE name = $1 AND id = ANY($2::bigint[])`, [name, change.remove]);
      for (const { record, payload, isNew } of change.put) {
        const { snapshot, ...meta } = record;
        const written = await db.query(
          `INSERT INTO ${this.tables.versions} (name, id, meta, snapshot, payload) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (name, id) DO ${isNew === true ? 'NOTHING' : 'UPDATE SET meta = EXCLUDED.meta, snapshot = EXCLUDED.snapshot, payload = EXCLUDED.payload'}`,
          [name, record.id, JSON.stringify(meta), Buffer.from(snapshot), Buffer.from(payload)],
        );
        if (written.rowCount === 0) throw new VersionIdTakenError(docName, record.id);
      }
    });
  }

  async deleteAllVersions(docName: string): Promise<void> {
    await this.appendsSettled();
    await this.pool.query(`DELETE FROM ${this.tables.versions} WHERE name = $1`, [nameBytes(docName)]);
  }
}
