import type { Db } from './db.js';
import { CorruptDocumentError } from './errors.js';
import { type DocKeys, parseKey } from './keys.js';
import { type DocMeta, decodeMeta, unframe } from './records.js';

/** One document as stored: meta, snapshot and tail, checked against each other. */
export interface StoredDocument {
  meta: DocMeta | undefined;
  snapshot: Uint8Array | undefined;
  tail: TailRecord[];
}

export interface TailRecord {
  key: Buffer;
  seq: number;
  payload: Uint8Array;
}

/**
 * Reads every record of one document in a single scan (one consistent LevelDB view, so a
 * concurrent batch or compaction is seen entirely or not at all) and verifies it: checksums,
 * meta present whenever records are, and meta's counts matching what is there. Throws
 * CorruptDocumentError naming the document; other documents are never read.
 */
export async function readDocument(db: Db, keys: DocKeys): Promise<StoredDocument> {
  const entries = await db.readRange(keys.all);
  const doc: StoredDocument = { meta: undefined, snapshot: undefined, tail: [] };
  const corrupt = (problem: string) => new CorruptDocumentError(keys.name, problem);
  let tailBytes = 0;
  for (const { key, value } of entries) {
    const parsed = parseKey(key);
    if (parsed === null || parsed.name !== keys.name) throw corrupt(`unexpected key ${key.toString('hex')}`);
    if (parsed.kind === 'meta') {
      const result = decodeMeta(value);
      if ('problem' in result) throw corrupt(result.problem);
      doc.meta = result.meta;
      continue;
    }
    const result = unframe(value);
    if (parsed.kind === 'snapshot') {
      if ('problem' in result) throw corrupt(`snapshot: ${result.problem}`);
      doc.snapshot = result.payload;
    } else {
      if ('problem' in result) throw corrupt(`update ${parsed.seq}: ${result.problem}`);
      doc.tail.push({ key, seq: parsed.seq, payload: result.payload });
      tailBytes += result.payload.byteLength;
    }
  }
  const { meta } = doc;
  if (meta === undefined) {
    if (entries.length > 0) throw corrupt('records exist but their meta is missing');
    return doc;
  }
  const last = doc.tail.at(-1);
  if (meta.tailCount !== doc.tail.length || meta.tailBytes !== tailBytes) {
    throw corrupt(`meta lists ${meta.tailCount} updates (${meta.tailBytes} bytes), found ${doc.tail.length} (${tailBytes} bytes)`);
  }
  if (last !== undefined && last.seq >= meta.nextSeq) throw corrupt(`update ${last.seq} is beyond next seq ${meta.nextSeq}`);
  if (meta.snapshotBytes !== (doc.snapshot?.byteLength ?? 0)) {
    throw corrupt(`meta lists a snapshot of ${meta.snapshotBytes} bytes, found ${doc.snapshot?.byteLength ?? 'none'}`);
  }
  return doc;
}

/** The document's meta alone (the writer's starting point); undefined when nothing is stored. */
export async function readMeta(db: Db, keys: DocKeys): Promise<DocMeta | undefined> {
  // The first record of a document is its meta ('m' sorts first), when it has any records.
  const [first] = await db.readRange(keys.all, { limit: 1 });
  if (first === undefined) return undefined;
  if (parseKey(first.key)?.kind !== 'meta') {
    throw new CorruptDocumentError(keys.name, 'records exist but their meta is missing');
  }
  const result = decodeMeta(first.value);
  if ('problem' in result) throw new CorruptDocumentError(keys.name, result.problem);
  return result.meta;
}
