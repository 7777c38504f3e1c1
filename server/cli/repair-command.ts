/**
 * `quire repair --data DIR [--dry-run] [--json]`: the operator's way back from damaged storage.
 * Stops nothing and needs nothing running: it refuses a directory a server holds. Prints what it
 * found and did per document; exit 0 when the data directory is sound afterwards (nothing was
 * damaged, or it was repaired), 3 when a dry run found damage, 1 when it could not run.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_CACHE_SIZE, DEFAULT_MAX_OPEN_FILES, DEFAULT_WRITE_BUFFER_SIZE } from '../persistence/leveldb/options.js';
import { type RepairReport, repairStore } from '../persistence/leveldb/repair.js';

const HELP = `Usage: y-quire repair [--data <dir>] [--dry-run] [--json]

Checks every document of a stopped server's data directory against what was acknowledged and
repairs what is damaged: the database is rebuilt with every sound document as it was and each
damaged one from its readable records (LevelDB's own repair runs first when LevelDB cannot open
it at all). Everything that could not be kept is listed, the report is saved as
<dir>/repair-<time>.json and the previous files are kept in <dir>/lost/. Back up first if you can.

  --data <dir>   the data directory (default: DATA_DIR or ./data)
  --dry-run      only check and report; change nothing (exit 3 when damage is found)
  --json         print the report as JSON
`;

export async function runRepairCommand(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        data: { type: 'string' },
        'dry-run': { type: 'boolean' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    process.stderr.write(`quire repair: ${(error as Error).message}\n${HELP}`);
    return 2;
  }
  if (values.help === true) {
    process.stdout.write(HELP);
    return 0;
  }
  const directory = resolve(values.data ?? env.DATA_DIR ?? './data');
  let report: RepairReport;
  try {
    report = await repairStore(directory, {
      dryRun: values['dry-run'] === true,
      tuning: { cacheSize: DEFAULT_CACHE_SIZE, writeBufferSize: DEFAULT_WRITE_BUFFER_SIZE, maxOpenFiles: DEFAULT_MAX_OPEN_FILES },
    });
  } catch (error) {
    process.stderr.write(`quire repair: cannot repair ${directory}: ${(error as Error).message}\n`);
    return 1;
  }
  process.stdout.write(values.json === true ? `${JSON.stringify(report, null, 2)}\n` : describe(report));
  if (report.dryRun && (report.damaged.length > 0 || report.openError !== null || report.damagedTables.length > 0)) return 3;
  return 0;
}

function describe(report: RepairReport): string {
  const lines = [`quire repair${report.dryRun ? ' (dry run: nothing changed)' : ''}: ${report.directory}`];
  if (report.openError !== null) lines.push(`  LevelDB could not open the database: ${report.openError}`);
  if (report.dryRun && report.openError !== null) {
    lines.push("  Run without --dry-run to rebuild it with LevelDB's repair; then every document is checked.");
    return `${lines.join('\n')}\n`;
  }
  for (const table of report.damagedTables)
    lines.push(`  damaged table ${table.file}: ${table.problem}${report.dryRun ? '' : ' (moved aside)'}`);
  if (report.dryRun && report.damagedTables.length > 0) {
    lines.push('  LevelDB cannot safely read a damaged table: run without --dry-run to move them aside and check every document.');
    return `${lines.join('\n')}\n`;
  }
  for (const line of report.leveldb) lines.push(`  LevelDB repair: ${line}`);
  lines.push(`  ${report.documentsChecked} documents checked, ${report.damaged.length} damaged`);
  for (const doc of report.damaged) {
    const verb =
      doc.action === 'rewritten'
        ? `rewritten from ${doc.keptRecords} readable record(s)`
        : doc.action === 'removed'
          ? 'REMOVED: nothing readable was left'
          : `would keep ${doc.keptRecords} readable record(s)`;
    lines.push(`  - ${JSON.stringify(doc.name)}: ${doc.problem}`);
    lines.push(`      lost: ${doc.lost.length === 0 ? 'nothing beyond the problem above' : doc.lost.join('; ')}`);
    lines.push(`      ${verb}`);
  }
  if (report.lostDir !== null) lines.push(`  previous database files kept in ${report.lostDir}`);
  if (report.reportFile !== null) lines.push(`  report saved to ${report.reportFile}`);
  if (report.damaged.length === 0 && report.openError === null) lines.push('  nothing to repair');
  return `${lines.join('\n')}\n`;
}
