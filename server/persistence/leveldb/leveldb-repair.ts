import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/**
 * LevelDB's own repair (RepairDB), for a database LevelDB cannot open (a damaged MANIFEST or
 * CURRENT): rebuilds the MANIFEST from every table and log file it can read and moves what it
 * cannot use to `lost/`. Run in a child process: leveldown is built with assertions, and RepairDB
 * aborts the whole process on a table whose damaged keys come out of order.
 * Resolves with the lines of LevelDB's log that say what it did.
 */
export async function repairLevelDb(directory: string): Promise<string[]> {
  const leveldown = createRequire(import.meta.url).resolve('leveldown');
  const script = `require(process.env.LEVELDOWN).repair(process.env.DIRECTORY, (err) => {
    if (err) { process.stderr.write(err.message); process.exit(1); }
  });`;
  await new Promise<void>((resolve, reject) =>
    execFile(
      process.execPath,
      ['-e', script],
      { env: { ...process.env, LEVELDOWN: leveldown, DIRECTORY: directory } },
      (err, _stdout, stderr) => (err ? reject(new Error(`LevelDB's repair failed: ${stderr.trim() || err.message}`)) : resolve()),
    ),
  );
  const text = await readFile(join(directory, 'LOG'), 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((line) => /Table #\d+|Log #\d+|lost|dropped|Corruption|Archiving|Repaired/i.test(line) && !/ OK$/.test(line.trim()))
    .map((line) => line.replace(/^\S+ \S+ /, '').trim());
}
