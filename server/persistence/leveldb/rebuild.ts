import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type BatchOp, Db, type DbTuning } from './db.js';
import { SWAP_MARKER } from './directory.js';
import { DocKeys } from './keys.js';
import { Ledger } from './ledger.js';
import { mergeToSnapshot } from './merge.js';
import { encodeMeta, frame } from './records.js';
import type { Salvaged } from './salvage.js';

/** The data directory's identity file (see server/cli/data-dir-witness.ts); it moves last. */
export const DATA_ID_FILE = 'QUIRE-DATA-ID';
const REBUILD_DIR = 'rebuild-in-progress';

/** What SWAP_MARKER holds. */
interface SwapState {
  lostDir: string;
  /** 'out': the old files are being moved to lostDir; 'in': the rebuilt ones into the directory. */
  phase: 'out' | 'in';
}

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

  await writeSwapState(directory, { lostDir, phase: 'out' });
  await swap(directory, { lostDir, phase: 'out' });
  return { actions, lostDir };
}

/**
 * Finishes a swap a crash interrupted (see SWAP_MARKER); resolves with its lost/ directory, or
 * null when none was interrupted.
 */
export async function finishInterruptedSwap(directory: string): Promise<string | null> {
  let state: SwapState;
  try {
    state = JSON.parse(await readFile(join(directory, SWAP_MARKER), 'utf8')) as SwapState;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  await swap(directory, state);
  return state.lostDir;
}

/** Every step can run again after a crash: a move already made is not made twice. */
async function swap(directory: string, state: SwapState): Promise<void> {
  const temp = join(directory, REBUILD_DIR);
  const idFile = join(directory, DATA_ID_FILE);
  if (state.phase === 'out') {
    await mkdir(state.lostDir, { recursive: true });
    await rename(idFile, join(state.lostDir, DATA_ID_FILE)).catch(() => {});
    for (const entry of await readdir(directory)) {
      if (entry === 'lost' || entry === REBUILD_DIR || entry === DATA_ID_FILE || entry === SWAP_MARKER || /^repair-.*\.json$/.test(entry))
        continue;
      await rename(join(directory, entry), join(state.lostDir, entry));
    }
    await writeSwapState(directory, { ...state, phase: 'in' });
  }
  for (const entry of await readdir(temp).catch(() => [])) await rename(join(temp, entry), join(directory, entry));
  await rm(temp, { recursive: true, force: true });
  await rename(join(state.lostDir, DATA_ID_FILE), idFile).catch(() => {});
  await rm(join(directory, SWAP_MARKER), { force: true });
}

async function writeSwapState(directory: string, state: SwapState): Promise<void> {
  const marker = join(directory, SWAP_MARKER);
  await writeFile(`${marker}.tmp`, JSON.stringify(state));
  await rename(`${marker}.tmp`, marker);
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
