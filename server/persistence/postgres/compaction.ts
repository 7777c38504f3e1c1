/**
 * Compaction on PostgreSQL, by whichever node notices a long tail: one transaction reads the
 * snapshot and the tail up to the head it saw, merges them, writes the new snapshot and deletes
 * exactly the rows it merged. Appends committing meanwhile get higher seqs and stay in the tail.
 * A transaction-scoped advisory lock keeps two nodes from doing the same work; correctness does not
 * rest on it: the snapshot is written only if the document is still the incarnation, and at the
 * snapshot_seq, that was read. A crash at any moment leaves the old snapshot with its whole tail.
 */
import createDebug from 'debug';
import { mergeToSnapshot } from '../leveldb/merge.js';
import { nameBytes } from './reader.js';
import { type ClientPool, checkOut } from './queryable.js';
import type { Tables } from './schema.js';

const debug = createDebug('quire:store:postgres:compaction');
const COMPACTION_LOCK_SPACE = 0x71636d70; // 'qcmp'

export type CompactionOutcome = 'compacted' | 'busy' | 'nothing' | 'superseded';

export async function compactDocument(pool: ClientPool, tables: Tables, docName: string): Promise<CompactionOutcome> {
  const name = nameBytes(docName);
  const client = await checkOut(pool);
  try {
    await client.query('BEGIN');
    const locked = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_xact_lock($1, $2) AS ok', [
      COMPACTION_LOCK_SPACE,
      hash32(name),
    ]);
    if (locked.rows[0]?.ok !== true) {
      await client.query('ROLLBACK');
      return 'busy';
    }
    const head = await client.query<{ incarnation: string; head_seq: string; snapshot_seq: string; snapshot: Buffer | null }>(
      `SELECT incarnation, head_seq, snapshot_seq, snapshot FROM ${tables.documents} WHERE name = $1`,
      [name],
    );
    const doc = head.rows[0];
    if (doc === undefined || doc.head_seq === doc.snapshot_seq) {
      await client.query('ROLLBACK');
      return 'nothing';
    }
    const fromSeq = Number(doc.snapshot_seq);
    const toSeq = Number(doc.head_seq);
    const tail = await client.query<{ seq: string; data: Buffer }>(
      `SELECT seq, data FROM ${tables.updates} WHERE name = $1 AND seq > $2 AND seq <= $3 ORDER BY seq`,
      [name, fromSeq, toSeq],
    );
    if (tail.rows.length !== toSeq - fromSeq)
      throw new Error(`document ${JSON.stringify(docName)}: rows ${fromSeq + 1}..${toSeq} have a hole`);
    const merged = mergeToSnapshot(
      doc.snapshot === null ? undefined : new Uint8Array(doc.snapshot),
      tail.rows.map((row) => new Uint8Array(row.data)),
    );
    const mergedBytes = tail.rows.reduce((sum, row) => sum + row.data.byteLength, 0);
    const updated = await client.query(
      `UPDATE ${tables.documents}
          SET snapshot = $4, snapshot_seq = $3, snapshot_bytes = $5,
              tail_count = tail_count - $6, tail_bytes = tail_bytes - $7
        WHERE name = $1 AND incarnation = $2 AND snapshot_seq = $8`,
      [name, doc.incarnation, toSeq, Buffer.from(merged), merged.byteLength, toSeq - fromSeq, mergedBytes, fromSeq],
    );
    if (updated.rowCount !== 1) {
      await client.query('ROLLBACK');
      return 'superseded';
    }
    await client.query(`DELETE FROM ${tables.updates} WHERE name = $1 AND seq > $2 AND seq <= $3`, [name, fromSeq, toSeq]);
    await client.query('COMMIT');
    debug('compacted %s: rows %d..%d into %d bytes', docName, fromSeq + 1, toSeq, merged.byteLength);
    return 'compacted';
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    client.done(error);
    throw error;
  } finally {
    client.done();
  }
}

/** FNV-1a, as a signed 32-bit integer (PostgreSQL's int4). */
function hash32(bytes: Uint8Array): number {
  let hash = 0x811c9dc5;
  for (const byte of bytes) hash = Math.imul(hash ^ byte, 0x01000193);
  return hash | 0;
}
