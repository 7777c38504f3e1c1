/**
 * Reads from PostgreSQL. Each read is one statement, so it sees one consistent snapshot of the
 * database: a compaction committing meanwhile is seen entirely (new snapshot, shorter tail) or not
 * at all (old snapshot, whole tail), never half.
 */
import { CorruptDocumentError } from '../leveldb/errors.js';
import type { StoredDocumentInfo } from '../types.js';
import type { Queryable } from './queryable.js';
import type { Tables } from './schema.js';

export interface DocumentState {
  /** The document's sequence: every row up to it is contained in `updates`. 0 when nothing is stored. */
  headSeq: number;
  /**
   * Which life of the document this is (a new one after each delete, whose rows are numbered from 1
   * again); null when nothing is stored.
   */
  incarnation: string | null;
  /** Oldest first; the snapshot (when included) first. */
  updates: Uint8Array[];
}

/** A document's head, and the incarnation it belongs to. */
export interface DocumentHead {
  headSeq: number;
  incarnation: string;
}

interface StateRow {
  incarnation: string;
  head_seq: string;
  snapshot_seq: string;
  snapshot: Buffer | null;
  seq: string | null;
  data: Buffer | null;
}

export const nameBytes = (name: string): Buffer => Buffer.from(name, 'utf8');

/**
 * Everything after `since`: the snapshot when it covers rows after `since`, then the tail rows
 * after both. With since = 0 this is the whole document. Rejects with CorruptDocumentError when
 * the rows have a hole (they never should: seqs are gap-free by construction).
 */
export async function readSince(db: Queryable, tables: Tables, name: string, since: number): Promise<DocumentState> {
  const result = await db.query<StateRow>(
    `SELECT d.incarnation, d.head_seq, d.snapshot_seq, CASE WHEN d.snapshot_seq > $2 THEN d.snapshot END AS snapshot, u.seq, u.data
       FROM ${tables.documents} d
       LEFT JOIN ${tables.updates} u ON u.name = d.name AND u.seq > GREATEST(d.snapshot_seq, $2)
      WHERE d.name = $1
      ORDER BY u.seq`,
    [nameBytes(name), since],
  );
  const first = result.rows[0];
  if (first === undefined) return { headSeq: 0, incarnation: null, updates: [] };
  const headSeq = Number(first.head_seq);
  const snapshotSeq = Number(first.snapshot_seq);
  const updates: Uint8Array[] = [];
  if (first.snapshot !== null) updates.push(toBytes(first.snapshot));
  let expected = Math.max(snapshotSeq, since) + 1;
  for (const row of result.rows) {
    if (row.seq === null || row.data === null) continue;
    const seq = Number(row.seq);
    if (seq !== expected) throw new CorruptDocumentError(name, `update row ${expected} is missing (found ${seq})`);
    updates.push(toBytes(row.data));
    expected++;
  }
  if (expected - 1 < headSeq) throw new CorruptDocumentError(name, `update rows ${expected}..${headSeq} are missing`);
  return { headSeq, incarnation: first.incarnation, updates };
}

/** The head of each listed document that is stored (one statement for all of them). */
export async function readHeads(db: Queryable, tables: Tables, names: readonly string[]): Promise<Map<string, DocumentHead>> {
  const result = await db.query<{ name: Buffer; head_seq: string; incarnation: string }>(
    `SELECT name, head_seq, incarnation FROM ${tables.documents} WHERE name = ANY($1::bytea[])`,
    [names.map(nameBytes)],
  );
  return new Map(result.rows.map((row) => [row.name.toString('utf8'), { headSeq: Number(row.head_seq), incarnation: row.incarnation }]));
}

/** Whether the document has a row: one index lookup, none of its updates read. */
export async function hasDocument(db: Queryable, tables: Tables, name: string): Promise<boolean> {
  const result = await db.query(`SELECT 1 FROM ${tables.documents} WHERE name = $1 LIMIT 1`, [nameBytes(name)]);
  return result.rows.length > 0;
}

export async function listDocuments(db: Queryable, tables: Tables): Promise<StoredDocumentInfo[]> {
  const result = await db.query<{ name: Buffer; bytes: string; updated_at_ms: string }>(
    `SELECT name, snapshot_bytes + tail_bytes AS bytes, updated_at_ms FROM ${tables.documents} ORDER BY name`,
  );
  return result.rows.map((row) => ({
    name: row.name.toString('utf8'),
    bytes: Number(row.bytes),
    updatedAt: Number(row.updated_at_ms),
  }));
}

/** A copy that owns its memory (pg's Buffers may come from a shared pool). */
function toBytes(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer);
}
