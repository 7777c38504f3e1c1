import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Present while `quire repair` swaps its rebuilt database in (rebuild.ts): names the lost/
 * directory and the phase, so a repair interrupted there is finished by the next one (never
 * started over, which would discard the part of the new database not yet moved in), and no
 * store opens the half-swapped directory meanwhile.
 */
export const SWAP_MARKER = 'REPAIR-SWAP-IN-PROGRESS';

/** What identifies the directory a store opened: a copy, a replacement or a removal changes it. */
export interface DirectoryIdentity {
  dev: number;
  dirIno: number;
  lockIno: number;
}

/** Why the data directory is not the one the store opened, as a stable reason and a sentence. */
export interface DirectoryProblem {
  reason: 'directory-missing' | 'directory-replaced';
  detail: string;
}

/**
 * Whether the directory at the path is still the one opened: not removed, renamed or replaced
 * (LevelDB keeps writing through its open descriptors into a removed directory, so writes
 * "succeed" there and vanish). Synchronous and cheap: two stats.
 */
export function directoryProblem(directory: string, identity: DirectoryIdentity): DirectoryProblem | null {
  let dir;
  try {
    dir = statSync(directory);
  } catch {
    return { reason: 'directory-missing', detail: `The data directory ${directory} is gone: it was removed or moved away.` };
  }
  if (dir.dev !== identity.dev || dir.ino !== identity.dirIno) {
    return {
      reason: 'directory-replaced',
      detail: `The data directory ${directory} was replaced by another directory while the server ran.`,
    };
  }
  let lock;
  try {
    lock = statSync(join(directory, 'LOCK'));
  } catch {
    return { reason: 'directory-missing', detail: `The files of the data directory ${directory} were removed while the server ran.` };
  }
  if (lock.ino !== identity.lockIno) {
    return { reason: 'directory-replaced', detail: `The files of the data directory ${directory} were replaced while the server ran.` };
  }
  return null;
}

/** The identity of a directory LevelDB has just opened (its LOCK file exists then). */
export function readIdentity(directory: string): DirectoryIdentity {
  const dir = statSync(directory);
  const lock = statSync(join(directory, 'LOCK'));
  return { dev: dir.dev, dirIno: dir.ino, lockIno: lock.ino };
}

// What LevelDB writes to its info log (the LOG file, started afresh at every open) when it skips
// records while recovering: "… .log: dropping 32768 bytes; Corruption: checksum mismatch".
const RECOVERY_TROUBLE = /dropping \d+ bytes|corruption|ignoring error|lost/i;

/** The lines of LevelDB's LOG that say its recovery at this open skipped or lost something. */
export async function readRecoveryReport(directory: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(join(directory, 'LOG'), 'utf8');
  } catch {
    return [];
  }
  return (
    text
      .split('\n')
      .filter((line) => RECOVERY_TROUBLE.test(line))
      // Drop LevelDB's timestamp and thread id: "2026/12/03-07:01:02.123456 7f12ab …".
      .map((line) => line.replace(/^\S+ \S+ /, '').trim())
  );
}
