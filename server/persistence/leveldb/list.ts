import type { StoredDocumentInfo } from '../types.js';
import type { Db } from './db.js';
import { ALL_DOCUMENTS, parseKey, rangeEndOfKey } from './keys.js';
import { decodeMeta } from './records.js';

/**
 * Every stored document, from meta alone: one scan that reads each document's first record
 * (its meta, which sorts first) and seeks past the rest of its records, so listing costs one
 * step per document however long its tail. A document whose meta cannot be read is listed with
 * `problem` set rather than failing the whole list; a scan LevelDB cannot finish (a damaged table)
 * returns what it read and the error.
 */
export interface Listing {
  documents: StoredDocumentInfo[];
  /** Each listed document's next seq, from its meta (for the ledger check without another read). */
  nextSeqs: Map<string, number>;
  /** Why the scan stopped early, if it did. */
  error: Error | null;
}

export async function listDocuments(db: Db): Promise<Listing> {
  const listing: Listing = { documents: [], nextSeqs: new Map(), error: null };
  try {
    await scanMetas(db, listing);
  } catch (err) {
    // A damaged table block ends the scan; what was read stands, the caller completes the rest.
    listing.error = err as Error;
  }
  return listing;
}

async function scanMetas(db: Db, { documents, nextSeqs }: Listing): Promise<void> {
  // highWaterMark 1: read one entry per native step, since all but the first of each document are skipped.
  await db.scan(ALL_DOCUMENTS, { highWaterMark: 1 }, (key, value) => {
    const parsed = parseKey(key);
    if (parsed === null) return undefined; // not ours: step over it
    if (parsed.kind !== 'meta') {
      documents.push({ name: parsed.name, bytes: 0, updatedAt: null, problem: 'records exist but their meta is missing' });
    } else {
      const result = decodeMeta(value);
      if ('problem' in result) {
        documents.push({ name: parsed.name, bytes: 0, updatedAt: null, problem: result.problem });
      } else {
        const { meta } = result;
        nextSeqs.set(parsed.name, meta.nextSeq);
        documents.push({ name: parsed.name, bytes: meta.snapshotBytes + meta.tailBytes, updatedAt: meta.updatedAt });
      }
    }
    return rangeEndOfKey(key);
  });
}
