import createDebug from 'debug';
import type { Db, Entry } from './db.js';
import { CorruptDocumentError } from './errors.js';
import { type DocKeys, parseKey, seqOfUpdateKey } from './keys.js';
import { type DocMeta, decodeMeta, unframe } from './records.js';

const log = createDebug('quire:store:leveldb:read');

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
 * Reads and verifies every record of one document: checksums, meta present whenever records
 * are, meta's counts matching what is there. Throws CorruptDocumentError naming the document;
 * other documents are never read.
 *
 * Fast path: look up meta and snapshot, then read only the tail keys meta names. The tail is always the
 * contiguous seqs [nextSeq - tailCount, nextSeq) (seqs are assigned when a batch is built and
 * kept only if it is written; compaction removes a prefix). Seeking straight to the first live
 * seq matters: the keys a compaction deleted stay behind as LevelDB tombstones until LevelDB
 * compacts its files, and scanning past 259,778 of them took longer than loading the document.
 * The two reads are two LevelDB views; a compaction or delete landing between them shows up as
 * a count mismatch, and then the document is read again in one scan (one consistent view),
 * which is also what decides whether it is corrupt.
 */
export async function readDocument(db: Db, keys: DocKeys): Promise<StoredDocument> {
  const head = parseHead(keys, await readHead(db, keys));
  if (head.meta === undefined) {
    // Nothing stored, unless there are records without meta: let the full scan judge those.
    if (head.snapshot === undefined && (await db.readRange(keys.tail, { limit: 1 })).length === 0) {
      return { meta: undefined, snapshot: undefined, tail: [] };
    }
    return readWholeDocument(db, keys);
  }
  const { nextSeq, tailCount } = head.meta;
  const entries = tailCount === 0 ? [] : await db.readRange(keys.updates(nextSeq - tailCount, nextSeq));
  const doc = { ...head, tail: parseTail(keys, entries) };
  const problem = consistencyProblem(doc);
  if (problem === null) return doc;
  log('%s changed between reads or is corrupt (%s): reading it in one scan', JSON.stringify(keys.name), problem);
  return readWholeDocument(db, keys);
}

/** Meta and snapshot entries, by point lookups. */
async function readHead(db: Db, keys: DocKeys): Promise<Entry[]> {
  const wanted = [keys.meta, keys.snapshot];
  const values = await db.getMany(wanted);
  return wanted.flatMap((key, i) => (values[i] === undefined ? [] : [{ key, value: values[i]! }]));
}

/** Every record of the document in one scan: one consistent view, the authority on corruption. */
async function readWholeDocument(db: Db, keys: DocKeys): Promise<StoredDocument> {
  const entries = await db.readRange(keys.all);
  const split = entries.findIndex(({ key }) => parseKey(key)?.kind === 'update');
  const headEntries = split === -1 ? entries : entries.slice(0, split);
  const doc = { ...parseHead(keys, headEntries), tail: parseTail(keys, split === -1 ? [] : entries.slice(split)) };
  if (doc.meta === undefined && entries.length > 0) {
    throw new CorruptDocumentError(keys.name, 'records exist but their meta is missing');
  }
  const problem = consistencyProblem(doc);
  if (problem !== null) throw new CorruptDocumentError(keys.name, problem);
  return doc;
}

function parseHead(keys: DocKeys, entries: Entry[]): Pick<StoredDocument, 'meta' | 'snapshot'> {
  const head: Pick<StoredDocument, 'meta' | 'snapshot'> = { meta: undefined, snapshot: undefined };
  for (const { key, value } of entries) {
    const kind = parseKey(key)?.kind;
    if (kind === 'meta') {
      const result = decodeMeta(value);
      if ('problem' in result) throw new CorruptDocumentError(keys.name, result.problem);
      head.meta = result.meta;
    } else if (kind === 'snapshot') {
      const result = unframe(value);
      if ('problem' in result) throw new CorruptDocumentError(keys.name, `snapshot: ${result.problem}`);
      head.snapshot = result.payload;
    } else {
      throw new CorruptDocumentError(keys.name, `unexpected key ${key.toString('hex')}`);
    }
  }
  return head;
}

function parseTail(keys: DocKeys, entries: Entry[]): TailRecord[] {
  return entries.map(({ key, value }) => {
    // Only keys of this document's tail range get here; their seq is their last 8 bytes.
    const seq = seqOfUpdateKey(key);
    const result = unframe(value);
    if ('problem' in result) throw new CorruptDocumentError(keys.name, `update ${seq}: ${result.problem}`);
    return { key, seq, payload: result.payload };
  });
}

/** Why meta and records disagree, or null when they match. */
function consistencyProblem({ meta, snapshot, tail }: StoredDocument): string | null {
  if (meta === undefined) return null;
  const tailBytes = tail.reduce((sum, record) => sum + record.payload.byteLength, 0);
  if (meta.tailCount !== tail.length || meta.tailBytes !== tailBytes) {
    return `meta lists ${meta.tailCount} updates (${meta.tailBytes} bytes), found ${tail.length} (${tailBytes} bytes)`;
  }
  const last = tail.at(-1);
  if (last !== undefined && last.seq >= meta.nextSeq) return `update ${last.seq} is beyond next seq ${meta.nextSeq}`;
  if (meta.snapshotBytes !== (snapshot?.byteLength ?? 0)) {
    return `meta lists a snapshot of ${meta.snapshotBytes} bytes, found ${snapshot?.byteLength ?? 'none'}`;
  }
  return null;
}

/** The document's meta alone (the writer's starting point); undefined when nothing is stored. */
export async function readMeta(db: Db, keys: DocKeys): Promise<DocMeta | undefined> {
  const [value] = await db.getMany([keys.meta]);
  if (value === undefined) {
    if ((await db.readRange(keys.all, { limit: 1 })).length > 0) {
      throw new CorruptDocumentError(keys.name, 'records exist but their meta is missing');
    }
    return undefined;
  }
  const result = decodeMeta(value);
  if ('problem' in result) throw new CorruptDocumentError(keys.name, result.problem);
  return result.meta;
}
