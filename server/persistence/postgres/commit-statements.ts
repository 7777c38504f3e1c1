/**
 * The statements of one group commit. Appends of a turn become one INSERT … ON CONFLICT that bumps
 * each document's head_seq by its number of appends (taking the documents row lock, in name order
 * so two nodes lock documents in the same order) and one INSERT of the rows numbered from the old
 * head: the sequence stays gap-free whoever commits concurrently.
 */
import type { Queryable } from './queryable.js';
import type { Tables } from './schema.js';

export interface AppendInput {
  name: Buffer;
  data: Buffer;
}

export interface BumpedDocument {
  name: string;
  /** The document's incarnation (schema.ts): a new one when this commit created the row. */
  incarnation: string;
  headSeq: number;
  tailCount: number;
  tailBytes: number;
}

export async function appendRows(db: Queryable, tables: Tables, appends: readonly AppendInput[], nowMs: number): Promise<BumpedDocument[]> {
  const result = await db.query<{ name: Buffer; incarnation: string; head_seq: string; tail_count: string; tail_bytes: string }>(
    `WITH input AS (
       SELECT t.name, t.data, t.ord FROM unnest($1::bytea[], $2::bytea[]) WITH ORDINALITY AS t(name, data, ord)
     ), per_doc AS (
       SELECT name, count(*) AS n, sum(octet_length(data)) AS bytes FROM input GROUP BY name
     ), bumped AS (
       INSERT INTO ${tables.documents} AS d (name, head_seq, tail_count, tail_bytes, updated_at_ms)
       SELECT name, n, n, bytes, $3 FROM per_doc ORDER BY name
       ON CONFLICT (name) DO UPDATE SET
         head_seq = d.head_seq + EXCLUDED.head_seq,
         tail_count = d.tail_count + EXCLUDED.tail_count,
         tail_bytes = d.tail_bytes + EXCLUDED.tail_bytes,
         updated_at_ms = EXCLUDED.updated_at_ms
       RETURNING d.name, d.incarnation, d.head_seq, d.tail_count, d.tail_bytes
     ), inserted AS (
       INSERT INTO ${tables.updates} (name, seq, data)
       SELECT i.name, b.head_seq - p.n + row_number() OVER (PARTITION BY i.name ORDER BY i.ord), i.data
         FROM input i JOIN bumped b ON b.name = i.name JOIN per_doc p ON p.name = i.name
     )
     SELECT name, incarnation, head_seq, tail_count, tail_bytes FROM bumped`,
    [appends.map((a) => a.name), appends.map((a) => a.data), nowMs],
  );
  return result.rows.map((row) => ({
    name: row.name.toString('utf8'),
    incarnation: row.incarnation,
    headSeq: Number(row.head_seq),
    tailCount: Number(row.tail_count),
    tailBytes: Number(row.tail_bytes),
  }));
}

/**
 * Every record of the document, its versions and client-id owners included. The documents row
 * first: it takes the row lock a concurrent append waits on.
 */
export async function deleteDocumentRows(db: Queryable, tables: Tables, name: Buffer): Promise<void> {
  await db.query(`DELETE FROM ${tables.documents} WHERE name = $1`, [name]);
  for (const table of [tables.updates, tables.versions, tables.clientIds]) await db.query(`DELETE FROM ${table} WHERE name = $1`, [name]);
}
