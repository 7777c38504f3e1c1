import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import createDebug from 'debug';
import { Db, type DbTuning } from './db.js';
import { Ledger } from './ledger.js';
import { repairLevelDb } from './leveldb-repair.js';
import { listDocuments } from './list.js';
import { finishInterruptedSwap, rebuildDatabase } from './rebuild.js';
import { mkdir, rename } from 'node:fs/promises';
import { type Salvaged, salvageDocument } from './salvage.js';
import { type TableDamage, findDamagedTables } from './table-check.js';

const log = createDebug('quire:store:leveldb:repair');

/** What `repairStore` found and did, document by document. */
export interface RepairReport {
  directory: string;
  dryRun: boolean;
  /** LevelDB could not open the database (a damaged MANIFEST or CURRENT): its own repair ran first. */
  openError: string | null;
  /** What LevelDB's own repair reported, when it ran. */
  leveldb: string[];
  /** Table files that failed their checksums: moved to `lostDir` before anything read them. */
  damagedTables: TableDamage[];
  documentsChecked: number;
  damaged: DamagedDocument[];
  /** Where the previous database files were moved (not in a dry run). */
  lostDir: string | null;
  /** Where this report was saved (not in a dry run). */
  reportFile: string | null;
}

export interface DamagedDocument {
  name: string;
  problem: string;
  /** What could not be kept: "snapshot (checksum mismatch)", "updates 4–9 (missing)", … */
  lost: string[];
  /** Readable records kept (merged into one snapshot). */
  keptRecords: number;
  /** 'rewritten': the readable part kept; 'removed': nothing was readable; 'none': a dry run. */
  action: 'rewritten' | 'removed' | 'none';
}

/**
 * The operator's repair of a data directory no server holds. Every document (known to the
 * ledger or found in LevelDB) is read; the database is then rebuilt with sound documents as
 * they were and damaged ones from their readable records, and the ledger set to what is stored
 * now, so the server serves them again. What could not be kept is reported per document and the
 * report saved next to the data (`repair-<time>.json`); the old files are kept in `lost/`.
 * A dry run only reads and reports (LevelDB still replays its log on opening).
 */
export async function repairStore(directory: string, options: { dryRun: boolean; tuning: DbTuning }): Promise<RepairReport> {
  // A repair that crashed while swapping the rebuilt database in is finished first: starting over
  // would discard the part of the new database not yet moved in. (A dry run changes nothing.)
  if (!options.dryRun) {
    const finished = await finishInterruptedSwap(directory);
    if (finished !== null) log('finished the swap of an interrupted repair (old files in %s)', finished);
  }
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const report: RepairReport = {
    directory,
    dryRun: options.dryRun,
    openError: null,
    leveldb: [],
    damagedTables: await findDamagedTables(directory),
    documentsChecked: 0,
    damaged: [],
    lostDir: null,
    reportFile: null,
  };
  const lostDir = join(directory, 'lost', `repair-${stamp}`);
  if (report.damagedTables.length > 0) {
    // LevelDB must never read them (it can abort on damaged blocks): nothing more in a dry run.
    if (options.dryRun) return report;
    await mkdir(lostDir, { recursive: true });
    for (const { file } of report.damagedTables) await rename(join(directory, file), join(lostDir, file));
    report.openError = `moved ${report.damagedTables.length} damaged table file(s) aside`;
    report.leveldb = await repairLevelDb(directory);
  }
  let db: Db;
  try {
    db = await Db.open(directory, options.tuning, false);
  } catch (err) {
    const message = (err as Error).message;
    if (/locked/i.test(message) || /ENOENT/.test(message)) throw err;
    report.openError = message;
    if (options.dryRun) return report;
    report.leveldb = await repairLevelDb(directory);
    db = await Db.open(directory, options.tuning, false);
  }
  const salvaged: Salvaged[] = [];
  try {
    const ledger = Ledger.read(db.directory);
    const listed = await listDocuments(db);
    const names = new Set([...listed.documents.map((d) => d.name), ...[...ledger.entries()].map(([name]) => name)]);
    for (const name of names) salvaged.push(await salvageDocument(db, ledger, name));
    await ledger.close();
  } finally {
    await db.close();
  }
  report.documentsChecked = salvaged.length;
  let actions = new Map<string, string>();
  if (!options.dryRun) {
    const rebuilt = await rebuildDatabase(directory, salvaged, options.tuning, lostDir);
    actions = rebuilt.actions;
    report.lostDir = rebuilt.lostDir;
  }
  for (const doc of salvaged) {
    if (doc.problem === null) continue;
    const action = options.dryRun ? 'none' : actions.get(doc.name) === 'removed' ? 'removed' : 'rewritten';
    report.damaged.push({
      name: doc.name,
      problem: doc.problem,
      lost: doc.lost,
      keptRecords: doc.tail.length + (doc.snapshot ? 1 : 0),
      action,
    });
    log('%s: %s (%s)', JSON.stringify(doc.name), doc.problem, action);
  }
  if (!options.dryRun) {
    report.reportFile = join(directory, `repair-${stamp}.json`);
    await writeFile(report.reportFile, `${JSON.stringify(report, null, 2)}\n`);
  }
  return report;
}
