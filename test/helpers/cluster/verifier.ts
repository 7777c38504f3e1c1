/**
 * Reads PostgreSQL directly (no quire code in between) and checks what a cluster promised: every
 * document's rows are gap-free (snapshot_seq+1..head_seq, nothing missing, nothing extra), and
 * every acknowledged update is contained in the stored document (Y.snapshotContainsUpdate).
 */
import * as Y from 'yjs';

export interface StoredDocument {
  doc: Y.Doc;
  headSeq: number;
  rows: number;
}

export async function readStoredDocument(storeUrl: string, docName: string): Promise<StoredDocument> {
  const url = new URL(storeUrl);
  const schema = url.searchParams.get('schema') ?? 'quire';
  url.searchParams.delete('schema');
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    const name = Buffer.from(docName, 'utf8');
    const head = await client.query<{ head_seq: string; snapshot_seq: string; snapshot: Buffer | null }>(
      `SELECT head_seq, snapshot_seq, snapshot FROM "${schema}".documents WHERE name = $1`,
      [name],
    );
    const rows = await client.query<{ seq: string; data: Buffer }>(
      `SELECT seq, data FROM "${schema}".updates WHERE name = $1 ORDER BY seq`,
      [name],
    );
    await client.query('COMMIT');
    const doc = new Y.Doc();
    const meta = head.rows[0];
    if (meta === undefined) {
      if (rows.rows.length > 0) throw new Error(`${docName}: ${rows.rows.length} update rows without a documents row`);
      return { doc, headSeq: 0, rows: 0 };
    }
    const seqs = rows.rows.map((row) => Number(row.seq));
    const expected = Array.from({ length: Number(meta.head_seq) - Number(meta.snapshot_seq) }, (_, i) => Number(meta.snapshot_seq) + 1 + i);
    if (JSON.stringify(seqs) !== JSON.stringify(expected)) {
      throw new Error(`${docName}: rows ${JSON.stringify(seqs.slice(0, 20))}… are not exactly ${meta.snapshot_seq}+1..${meta.head_seq}`);
    }
    doc.transact(() => {
      if (meta.snapshot !== null) Y.applyUpdate(doc, new Uint8Array(meta.snapshot));
      for (const row of rows.rows) Y.applyUpdate(doc, new Uint8Array(row.data));
    });
    return { doc, headSeq: Number(meta.head_seq), rows: seqs.length };
  } finally {
    await client.end();
  }
}

/** The acknowledged updates the stored document lacks (empty when nothing acknowledged was lost). */
export function missingUpdates(stored: Y.Doc, acknowledged: readonly Uint8Array[]): Uint8Array[] {
  const snapshot = Y.snapshot(stored);
  return acknowledged.filter((update) => !Y.snapshotContainsUpdate(snapshot, update));
}
