import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import createDebug from 'debug';
import { type BatchOp, Db, type DbTuning, repairLevelDb } from './db.js';
import { readDocument } from './document-reader.js';
import { findDamage } from './integrity.js';
import { DocKeys, seqOfUpdateKey } from './keys.js';
import { Ledger } from './ledger.js';
import { listDocuments } from './list.js';
import { mergeToSnapshot } from './merge.js';
import { decodeMeta, encodeMeta, frame, unframe } from './records.js';

const log = createDebug('quire:store:leveldb:repair');

/** What `repairStore` found and did, document by document. */
export interface RepairReport {
  directory: string;
  dryRun: boolean;
  /** What LevelDB's own repair reported (damaged tables or logs; files moved to lost/). */
  leveldb: string[];
  /** LevelDB could not open the database before its repair (a damaged MANIFEST or CURRENT). */
  openError: string | null;
  documentsChecked: number;
  damaged: DamagedDocument[];
  /** Where the report was written (not in a dry run). */
  reportFile: string | null;
}

export interface DamagedDocument {
  name: string;
  problem: string;
  /** What could not be kept: "snapshot", "updates 4–9", … */
  lost: string[];
  /** Readable records kept (merged into one snapshot). */
  keptRecords: number;
  /** 'rewritten': the readable part kept; 'removed': nothing readable was left; 'none' in a dry run. */
  action: 'rewritten' | 'removed' | 'none';
}

/**
 * The operator's repair of a data directory no server holds: LevelDB's own repair first (unless a
 * dry run), then every document is read; a damaged one is rewritten from what is readable (a
 * valid snapshot and valid updates, merged) and the ledger is set to what is now stored, so the
 * server serves it again. What could not be kept is reported per document, and the report is
 * written next to the data (`repair-<time>.json`). Nothing is dropped without being listed.
 */
export async function repairStore(directory: string, options: { dryRun: boolean; tuning: DbTuning }): Promise<RepairReport> {
  const report: RepairReport = { directory, dryRun: options.dryRun, leveldb: [], openError: null, documentsChecked: 0, damaged: [], reportFile: null };
  let db: Db;
  try {
    db = await Db.open(directory, options.tuning, false);
  } catch (err) {
    report.openError = (err as Error).message;
    if (options.dryRun || /locked/i.test(report.openError)) {
      if (/locked/i.test(report.openError)) throw err;
      return report;
    }
    db = await repairedDb(directory, options.tuning, report);
  }
  if (!options.dryRun && report.leveldb.length === 0 && report.openError === null) {
    // LevelDB's repair also salvages the readable entries of damaged tables: run it every time.
    await db.close();
    db = await repairedDb(directory, options.tuning, report);
  }
  try {
    const ledger = Ledger.read(db.directory);
    const listed = await listDocuments(db);
    const damage = await findDamage(db, ledger, true, listed.documents);
    report.documentsChecked = new Set([...listed.documents.map((d) => d.name), ...[...ledger.entries()].map(([n]) => n)]).size;
    for (const [name, problem] of damage) {
      const salvaged = await salvage(db, ledger, name);
      const entry: DamagedDocument = { name, problem, lost: salvaged.lost, keptRecords: salvaged.kept.length, action: 'none' };
      if (!options.dryRun) entry.action = await rewrite(db, ledger, name, salvaged);
      report.damaged.push(entry);
      log('%s: %s; %s', JSON.stringify(name), problem, entry.action);
    }
    if (!options.dryRun) {
      ledger.rewrite();
      ledger.close();
      report.reportFile = join(db.directory, `repair-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
      await writeFile(report.reportFile, `${JSON.stringify(report, null, 2)}\n`);
    }
  } finally {
    await db.close();
  }
  return report;
}

async function repairedDb(directory: string, tuning: DbTuning, report: RepairReport): Promise<Db> {
  report.leveldb = await repairLevelDb(directory);
  return Db.open(directory, tuning, false);
}

interface Salvaged {
  /** Every key found for the document (all are deleted before the kept part is written). */
  keys: Buffer[];
  snapshot: Uint8Array | undefined;
  kept: Uint8Array[];
  lost: string[];
  nextSeq: number;
}

/** Reads every record of the document that still checks out, and names what does not. */
async function salvage(db: Db, ledger: Ledger, name: string): Promise<Salvaged> {
  const keys = new DocKeys(name);
  const lost: string[] = [];
  const found: Buffer[] = [];
  const [metaValue, snapshotValue] = await db.getMany([keys.meta, keys.snapshot]).catch(() => [undefined, undefined]);
  const meta = metaValue === undefined ? undefined : decodeMeta(metaValue);
  if (metaValue !== undefined) found.push(keys.meta);
  let snapshot: Uint8Array | undefined;
  if (snapshotValue !== undefined) {
    found.push(keys.snapshot);
    const result = unframe(snapshotValue);
    if ('payload' in result) snapshot = result.payload;
    else lost.push(`snapshot (${result.problem})`);
  } else if (meta !== undefined && 'meta' in meta && meta.meta.snapshotBytes > 0) {
    lost.push('snapshot (missing)');
  }
  const tail = new Map<number, Uint8Array>();
  const bad: number[] = [];
  try {
    for (const { key, value } of await db.readRange(keys.tail)) {
      found.push(key);
      const seq = seqOfUpdateKey(key);
      const result = unframe(value);
      if ('payload' in result) tail.set(seq, result.payload);
      else bad.push(seq);
    }
  } catch (err) {
    lost.push(`some updates (unreadable: ${(err as Error).message})`);
  }
  const metaNext = meta !== undefined && 'meta' in meta ? meta.meta.nextSeq : 0;
  const lastSeq = Math.max(-1, ...tail.keys(), ...bad);
  const nextSeq = Math.max(metaNext, lastSeq + 1, ledger.expectedNextSeq(name) ?? 0);
  if (bad.length > 0) lost.push(`updates ${ranges(bad)} (checksum mismatch)`);
  const tailStart = meta !== undefined && 'meta' in meta ? meta.meta.nextSeq - meta.meta.tailCount : Math.min(...tail.keys(), nextSeq);
  const missing: number[] = [];
  for (let seq = Math.max(0, tailStart); seq < metaNext; seq++) if (!tail.has(seq) && !bad.includes(seq)) missing.push(seq);
  if (missing.length > 0) lost.push(`updates ${ranges(missing)} (missing)`);
  if (metaNext < nextSeq && lastSeq < nextSeq - 1) lost.push(`acknowledged updates ${Math.max(metaNext, lastSeq + 1)}–${nextSeq - 1} (missing)`);
  if (meta !== undefined && 'problem' in meta) lost.push(`meta (${meta.problem})`);
  const kept = [...tail.entries()].sort(([a], [b]) => a - b).map(([, payload]) => payload);
  return { keys: found, snapshot, kept, lost, nextSeq };
}

/** Replaces the document's records by one snapshot of what was readable (or removes it). */
async function rewrite(db: Db, ledger: Ledger, name: string, salvaged: Salvaged): Promise<'rewritten' | 'removed'> {
  const keys = new DocKeys(name);
  const ops: BatchOp[] = salvaged.keys.map((key) => ({ type: 'del', key }));
  if (salvaged.snapshot === undefined && salvaged.kept.length === 0) {
    await db.batch(ops, true);
    ledger.forget(name);
    return 'removed';
  }
  const snapshot = mergeToSnapshot(salvaged.snapshot, salvaged.kept);
  const meta = { nextSeq: salvaged.nextSeq, tailCount: 0, tailBytes: 0, snapshotBytes: snapshot.byteLength, updatedAt: Date.now() };
  ops.push({ type: 'put', key: keys.snapshot, value: frame(snapshot) }, { type: 'put', key: keys.meta, value: encodeMeta(meta) });
  await db.batch(ops, true);
  // What is stored now is the new baseline: the loss is accepted, and reported.
  ledger.forget(name);
  ledger.raise(name, salvaged.nextSeq);
  await readDocument(db, keys); // proves the rewrite reads back
  return 'rewritten';
}

/** "3, 5–9" from a list of seqs. */
function ranges(seqs: number[]): string {
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
