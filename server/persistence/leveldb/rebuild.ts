import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { type BatchOp, Db, type DbTuning } from './db.js';
import { DocKeys } from './keys.js';
import { Ledger } from './ledger.js';
import { mergeToSnapshot } from './merge.js';
import { encodeMeta, frame } from './records.js';
import type { Salvaged } from './salvage.js';

/** The data directory's identity file (see server/cli/data-dir-witness.ts); it moves last. */
export const DATA_ID_FILE = 'QUIRE-DATA-ID';
const REBUILD_DIR = 'rebuild-in-progress';

export type RebuildAction = 'kept' | 'rewritten' | 'removed';

/**
 * Writes every document into a fresh database (sound ones record for record, damaged ones as one
 * snapshot merged from their readable records, or not at all when nothing was readable), then
 * moves the old database files to `lost/repair-<time>/` and the new ones in. Building anew rather
 * than patching in place leaves damaged table blocks behind for good, and keeps the old files.
 *
 * The identity file leaves the directory first and returns last, so a crash in the middle leaves
 * a directory quire refuses to start on (rather than one it would take for a new, empty one).
 */
export async function rebuildDatabase(
  directory: string,
  documents: readonly Salvaged[],
  tuning: DbTuning,
  /** Where the old files go. */
  lostDir: string,
): Promise<{ actions: Map<string, RebuildAction>; lostDir: string }> {
  const temp = join(directory, REBUILD_DIR);
  await rm(temp, { recursive: true, force: true });
  const db = await Db.open(temp, tuning);
  const ledger = Ledger.read(temp);
  const actions = new Map<string, RebuildAction>();
  try {
    for (const [i, doc] of documents.entries()) {
      const ops = documentOps(doc) ?? [];
      if (ops.length === 0) actions.set(doc.name, 'removed');
      // Synced every 200 documents and at the end (a synced write flushes the log before it too).
      const sync = i % 200 === 199 || i === documents.length - 1;
      if (ops.length > 0 || sync) await db.batch(ops.length > 0 ? ops : [{ type: 'del', key: new DocKeys(doc.name).meta }], sync);
      if (ops.length === 0) continue;
      ledger.raise(doc.name, doc.nextSeq);
      actions.set(doc.name, doc.problem === null ? 'kept' : 'rewritten');
    }
    await ledger.rewrite();
  } finally {
    await ledger.close();
    await db.close();
  }

  await mkdir(lostDir, { recursive: true });
  const idFile = join(directory, DATA_ID_FILE);
  await rename(idFile, join(lostDir, DATA_ID_FILE)).catch(() => {});
  for (const entry of await readdir(directory)) {
    if (entry === 'lost' || entry === REBUILD_DIR || entry === DATA_ID_FILE || /^repair-.*\.json$/.test(entry)) continue;
    await rename(join(directory, entry), join(lostDir, entry));
  }
  for (const entry of await readdir(temp)) await rename(join(temp, entry), join(directory, entry));
  await rm(temp, { recursive: true, force: true });
  await rename(join(lostDir, DATA_ID_FILE), idFile).catch(() => {});
  return { actions, lostDir };
}

function documentOps(doc: Salvaged): BatchOp[] | null {
  const keys = new DocKeys(doc.name);
  if (doc.problem === null) {
    if (doc.meta === undefined) return null;
    const ops: BatchOp[] = [{ type: 'put', key: keys.meta, value: encodeMeta(doc.meta) }];
    if (doc.snapshot !== undefined) ops.push({ type: 'put', key: keys.snapshot, value: frame(doc.snapshot) });
    for (const { seq, payload } of doc.tail) ops.push({ type: 'put', key: keys.update(seq), value: frame(payload) });
    return ops;
  }
  if (doc.snapshot === undefined && doc.tail.length === 0) return null;
  let snapshot: Uint8Array;
  try {
    snapshot = mergeToSnapshot(
      doc.snapshot,
      doc.tail.map((record) => record.payload),
    );
  } catch {
    // Records that pass their checksum but are not Yjs (written by something else): keep them as they are.
    const meta = { nextSeq: doc.nextSeq, tailCount: doc.tail.length, tailBytes: 0, snapshotBytes: 0, updatedAt: Date.now() };
    const ops: BatchOp[] = doc.tail.map(({ payload }, i) => ({
      type: 'put',
      key: keys.update(doc.nextSeq - doc.tail.length + i),
      value: frame(payload),
    }));
    meta.tailBytes = doc.tail.reduce((sum, { payload }) => sum + payload.byteLength, 0);
    return [...ops, { type: 'put', key: keys.meta, value: encodeMeta(meta) }];
  }
  const meta = { nextSeq: doc.nextSeq, tailCount: 0, tailBytes: 0, snapshotBytes: snapshot.byteLength, updatedAt: Date.now() };
  return [
    { type: 'put', key: keys.snapshot, value: frame(snapshot) },
    { type: 'put', key: keys.meta, value: encodeMeta(meta) },
  ];
}
