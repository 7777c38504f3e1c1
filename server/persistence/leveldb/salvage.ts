import type { Db } from './db.js';
import { readDocument } from './document-reader.js';
import { CorruptDocumentError } from './errors.js';
import { checkedAgainstLedger } from './integrity.js';
import { DocKeys, seqOfUpdateKey } from './keys.js';
import type { Ledger } from './ledger.js';
import { type DocMeta, decodeMeta, unframe } from './records.js';

/** One document as far as it can be read, and what could not be. */
export interface Salvaged {
  name: string;
  /** Null when the document is sound (every record checks out and the ledger agrees). */
  problem: string | null;
  meta: DocMeta | undefined;
  snapshot: Uint8Array | undefined;
  tail: Array<{ seq: number; payload: Uint8Array }>;
  /** What could not be kept: "snapshot (checksum mismatch)", "updates 4–9 (missing)", … */
  lost: string[];
  /** The seq the document's next update gets (never lower than anything acknowledged). */
  nextSeq: number;
}

const CHUNK = 512;

/**
 * Reads a document for the repair. A sound one is returned as it is; a damaged one is read record
 * by record with point lookups, so a damaged table block costs the records in it and nothing else.
 */
export async function salvageDocument(db: Db, ledger: Ledger, name: string): Promise<Salvaged> {
  const keys = new DocKeys(name);
  let problem: string;
  try {
    const doc = await checkedAgainstLedger(ledger, name, () => readDocument(db, keys));
    const tail = doc.tail.map(({ seq, payload }) => ({ seq, payload }));
    return { name, problem: null, meta: doc.meta, snapshot: doc.snapshot, tail, lost: [], nextSeq: doc.meta?.nextSeq ?? 0 };
  } catch (err) {
    problem = err instanceof CorruptDocumentError ? err.problem : `unreadable: ${(err as Error).message}`;
  }
  const lost: string[] = [];
  const metaValue = await getOne(db, keys.meta, lost, 'meta');
  const decoded = metaValue === undefined ? undefined : decodeMeta(metaValue);
  const meta = decoded !== undefined && 'meta' in decoded ? decoded.meta : undefined;
  if (decoded !== undefined && 'problem' in decoded) lost.push(decoded.problem);
  let snapshot: Uint8Array | undefined;
  const snapshotValue = await getOne(db, keys.snapshot, lost, 'snapshot');
  if (snapshotValue !== undefined) {
    const result = unframe(snapshotValue);
    if ('payload' in result) snapshot = result.payload;
    else lost.push(`snapshot (${result.problem})`);
  } else if ((meta?.snapshotBytes ?? 0) > 0) lost.push('snapshot (missing)');

  const expected = ledger.expectedNextSeq(name) ?? 0;
  const tail = new Map<number, Uint8Array>();
  const bad: number[] = [];
  const keep = (seq: number, value: Buffer) => {
    const result = unframe(value);
    if ('payload' in result) tail.set(seq, result.payload);
    else bad.push(seq);
  };
  try {
    for (const { key, value } of await db.readRange(keys.tail)) keep(seqOfUpdateKey(key), value);
  } catch {
    // A damaged block ends the scan: look every possible seq up on its own instead.
    const end = Math.max(expected, meta?.nextSeq ?? 0);
    for (let from = 0; from < end; from += CHUNK) {
      const seqs = Array.from({ length: Math.min(CHUNK, end - from) }, (_, i) => from + i);
      for (const [i, value] of (
        await getEach(
          db,
          seqs.map((seq) => keys.update(seq)),
          bad,
          seqs,
        )
      ).entries()) {
        if (value !== undefined) keep(seqs[i]!, value);
      }
    }
  }
  let lastSeq = -1;
  let firstSeq = Number.POSITIVE_INFINITY;
  for (const seq of [...tail.keys(), ...bad]) {
    lastSeq = Math.max(lastSeq, seq);
    firstSeq = Math.min(firstSeq, seq);
  }
  const nextSeq = Math.max(meta?.nextSeq ?? 0, lastSeq + 1, expected);
  if (bad.length > 0) lost.push(`updates ${ranges(bad)} (unreadable)`);
  const firstLive = meta === undefined ? Math.min(nextSeq, firstSeq) : meta.nextSeq - meta.tailCount;
  const missing: number[] = [];
  for (let seq = Math.max(0, firstLive); seq < nextSeq; seq++) if (!tail.has(seq) && !bad.includes(seq)) missing.push(seq);
  if (missing.length > 0) lost.push(`updates ${ranges(missing)} (missing)`);
  const sorted = [...tail.entries()].sort(([a], [b]) => a - b).map(([seq, payload]) => ({ seq, payload }));
  return { name, problem, meta, snapshot, tail: sorted, lost, nextSeq };
}

async function getOne(db: Db, key: Buffer, lost: string[], label: string): Promise<Buffer | undefined> {
  try {
    return (await db.getMany([key]))[0];
  } catch (err) {
    lost.push(`${label} (unreadable: ${(err as Error).message})`);
    return undefined;
  }
}

/** Values of `keys`, one lookup at a time where a batch of them fails. */
async function getEach(db: Db, keys: Buffer[], bad: number[], seqs: number[]): Promise<Array<Buffer | undefined>> {
  try {
    return await db.getMany(keys);
  } catch {
    const values: Array<Buffer | undefined> = [];
    for (const [i, key] of keys.entries()) {
      try {
        values.push((await db.getMany([key]))[0]);
      } catch {
        bad.push(seqs[i]!);
        values.push(undefined);
      }
    }
    return values;
  }
}

/** "3, 5–9" from a list of seqs. */
export function ranges(seqs: readonly number[]): string {
  const sorted = [...new Set(seqs)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}–${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(', ');
}
