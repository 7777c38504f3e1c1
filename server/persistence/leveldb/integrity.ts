import type { StoredDocumentInfo } from '../types.js';
import type { Listing } from './list.js';
import type { Db } from './db.js';
import { readDocument } from './document-reader.js';
import { CorruptDocumentError } from './errors.js';
import type { Ledger } from './ledger.js';
import { DocKeys } from './keys.js';
import { type DocMeta, EMPTY_META, decodeMeta } from './records.js';

/**
 * What the ledger (what was acknowledged) says against what LevelDB holds. Seqs are per document
 * and only grow, so a document holding fewer than the ledger counts has lost acknowledged updates.
 */
export function ledgerProblem(meta: DocMeta | undefined, expected: number | undefined): string | null {
  if (expected === undefined || expected === 0) return null;
  if (meta === undefined) {
    return `no records found, but ${expected} updates were acknowledged (the store lost them: restore a backup or run quire repair)`;
  }
  if (meta.nextSeq < expected) {
    return `updates ${meta.nextSeq}–${expected - 1} were acknowledged but are missing (the store lost them: restore a backup or run quire repair)`;
  }
  return null;
}

/**
 * Runs a read of the document and checks it against the ledger. The expectation is taken before
 * the read: the ledger only grows after LevelDB did, so what it claimed then LevelDB held then.
 * Only a delete lowers it, and a delete between the two shows as a changed expectation: read again.
 */
export async function checkedAgainstLedger<T extends { meta: DocMeta | undefined }>(
  ledger: Ledger,
  name: string,
  read: () => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const expected = ledger.expectedNextSeq(name);
    const result = await read();
    const problem = ledgerProblem(result.meta, expected);
    if (problem === null) return result;
    if (attempt >= 5 || ledger.expectedNextSeq(name) === expected) throw new CorruptDocumentError(name, problem);
  }
}

/** One document's meta by point lookup, or why it cannot be read. */
async function metaOf(db: Db, name: string): Promise<{ meta: DocMeta | undefined } | { problem: string }> {
  let value: Buffer | undefined;
  try {
    [value] = await db.getMany([new DocKeys(name).meta]);
  } catch (err) {
    return { problem: `unreadable: ${(err as Error).message}` };
  }
  if (value === undefined) return { meta: undefined };
  const decoded = decodeMeta(value);
  return 'problem' in decoded ? decoded : { meta: decoded.meta };
}

/**
 * Documents whose acknowledged updates are not all in LevelDB, with the problem of each: every
 * document the ledger lists is checked by meta (point lookups, so one damaged table block fails
 * only the documents in it). `deep` also reads every record of every document (checksums and
 * counts): used when LevelDB reported at open that it skipped damaged log records.
 */
export async function findDamage(
  db: Db,
  ledger: Ledger,
  deep: boolean,
  listed: readonly StoredDocumentInfo[] = [],
): Promise<Map<string, string>> {
  const damaged = new Map<string, string>();
  for (const [name, expected] of ledger.entries()) {
    const result = await metaOf(db, name);
    const problem = 'problem' in result ? result.problem : ledgerProblem(result.meta, expected);
    if (problem !== null) damaged.set(name, problem);
  }
  for (const info of listed) if (info.problem !== undefined && !damaged.has(info.name)) damaged.set(info.name, info.problem);
  if (deep) {
    const names = new Set([...listed.map((info) => info.name), ...[...ledger.entries()].map(([name]) => name)]);
    for (const name of names) {
      if (damaged.has(name)) continue;
      try {
        await readDocument(db, new DocKeys(name));
      } catch (err) {
        damaged.set(name, err instanceof CorruptDocumentError ? err.problem : `unreadable: ${(err as Error).message}`);
      }
    }
  }
  return damaged;
}

/**
 * The stored documents as listed from LevelDB's metas, completed by the ledger: a document the
 * ledger knows but LevelDB lost (or cannot read) is listed with its problem instead of missing.
 */
export async function completeListing(
  db: Db,
  ledger: Ledger,
  scanned: Listing,
  knownDamage: ReadonlyMap<string, string>,
): Promise<StoredDocumentInfo[]> {
  const byName = new Map(scanned.documents.map((info) => [info.name, info]));
  for (const [name, expected] of ledger.entries()) {
    const seen = byName.get(name);
    if (seen !== undefined && seen.problem !== undefined) continue;
    const scannedNext = scanned.nextSeqs.get(name);
    if (seen !== undefined && scannedNext !== undefined) {
      // Seen in the scan: compare without another read. (A batch after the scan only raises both.)
      if (scannedNext < expected && (await metaOf(db, name).then((r) => ('meta' in r ? (r.meta?.nextSeq ?? 0) : 0))) < expected) {
        byName.set(name, { name, bytes: 0, updatedAt: null, problem: ledgerProblem({ ...EMPTY_META, nextSeq: scannedNext }, expected)! });
      }
      continue;
    }
    const result = await metaOf(db, name);
    const problem = 'problem' in result ? result.problem : ledgerProblem(result.meta, expected);
    if (problem !== null) byName.set(name, { name, bytes: 0, updatedAt: null, problem });
    else if (seen === undefined && 'meta' in result && result.meta !== undefined) {
      const { meta } = result;
      byName.set(name, { name, bytes: meta.snapshotBytes + meta.tailBytes, updatedAt: meta.updatedAt });
    }
  }
  for (const [name, problem] of knownDamage) {
    const seen = byName.get(name);
    if (seen === undefined || seen.problem === undefined) byName.set(name, { name, bytes: 0, updatedAt: null, problem });
  }
  return [...byName.values()];
}
