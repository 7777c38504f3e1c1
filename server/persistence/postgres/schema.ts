/**
 * The PostgreSQL layout, created by the first node that starts (every statement is idempotent, and
 * an advisory lock keeps two nodes starting at once from racing on the catalog).
 *
 *   documents(name bytea PK, incarnation uuid, head_seq, snapshot, snapshot_seq, snapshot_bytes,
 *             tail_count, tail_bytes, updated_at_ms)
 *   updates(name bytea, seq, data bytea, PK (name, seq))
 *   client_ids(name bytea, client_id bigint, owner text, PK (name, client_id))   (postgres/client-ids.ts)
 *   versions(name bytea, id bigint, meta jsonb, snapshot bytea, payload bytea, PK (name, id))   (postgres/versions.ts)
 *
 * `head_seq` is the document's gap-free sequence: every committed append takes the next number
 * under the documents row's lock, so the rows of a document are exactly snapshot_seq+1..head_seq.
 * Names are bytea because they are any UTF-8 string, NUL included, which `text` cannot hold.
 * `incarnation` changes when a document is deleted and written again, so a compaction that read
 * the old one cannot write its snapshot into the new one.
 */
import type { Queryable } from './queryable.js';

const SCHEMA_LOCK = 0x71756972; // 'quir'

export const SCHEMA_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

export interface Tables {
  schema: string;
  documents: string;
  updates: string;
  clientIds: string;
  versions: string;
}

export function tablesIn(schema: string): Tables {
  if (!SCHEMA_NAME_PATTERN.test(schema)) throw new Error(`invalid PostgreSQL schema name ${JSON.stringify(schema)}`);
  const quoted = `"${schema}"`;
  return {
    schema: quoted,
    documents: `${quoted}.documents`,
    updates: `${quoted}.updates`,
    clientIds: `${quoted}.client_ids`,
    versions: `${quoted}.versions`,
  };
}

export async function ensureSchema(db: Queryable, tables: Tables): Promise<void> {
  await db.query('BEGIN');
  try {
    await db.query('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK]);
    await db.query(`CREATE SCHEMA IF NOT EXISTS ${tables.schema}`);
    await db.query(`CREATE TABLE IF NOT EXISTS ${tables.documents} (
      name bytea PRIMARY KEY,
      incarnation uuid NOT NULL DEFAULT gen_random_uuid(),
      head_seq bigint NOT NULL,
      snapshot bytea,
      snapshot_seq bigint NOT NULL DEFAULT 0,
      snapshot_bytes bigint NOT NULL DEFAULT 0,
      tail_count bigint NOT NULL DEFAULT 0,
      tail_bytes bigint NOT NULL DEFAULT 0,
      updated_at_ms bigint NOT NULL
    )`);
    await db.query(`CREATE TABLE IF NOT EXISTS ${tables.updates} (
      name bytea NOT NULL,
      seq bigint NOT NULL,
      data bytea NOT NULL,
      PRIMARY KEY (name, seq)
    )`);
    await db.query(`CREATE TABLE IF NOT EXISTS ${tables.clientIds} (
      name bytea NOT NULL,
      client_id bigint NOT NULL,
      owner text NOT NULL,
      PRIMARY KEY (name, client_id)
    )`);
    await db.query(`CREATE TABLE IF NOT EXISTS ${tables.versions} (
      name bytea NOT NULL,
      id bigint NOT NULL,
      meta jsonb NOT NULL,
      snapshot bytea NOT NULL,
      payload bytea NOT NULL,
      PRIMARY KEY (name, id)
    )`);
    await db.query('COMMIT');
  } catch (error) {
    await db.query('ROLLBACK').catch(() => {});
    throw error;
  }
}
