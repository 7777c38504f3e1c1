/**
 * Telling a new data directory from one that vanished. LevelDB happily creates an empty database
 * wherever it is pointed, so a data directory that was deleted, moved, or whose volume did not
 * mount would silently become a fresh, empty one on the next start — every document "empty".
 *
 * So the directory carries an identity (`QUIRE-DATA-ID`, a random id written when quire first
 * uses it), and a witness beside it — `.<directory name>.quire-data` in the parent directory —
 * remembers that id. At start:
 * - no witness: first use; the id is written into the directory (kept if already there) and the
 *   witness next to it (when the parent is writable; otherwise a warning says protection is off);
 * - a witness, and the directory holds the same id: the normal case (a restored backup carries
 *   its id, so restoring one is allowed);
 * - a witness, and the directory is missing, empty or holds another id: quire refuses to start and
 *   says what it found; the operator restores the directory, or deletes the witness to start
 *   afresh on purpose.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

import { ensureDirectorySync } from '../persistence/leveldb/ensure-directory.js';
import { DATA_ID_FILE } from '../persistence/leveldb/rebuild.js';
import { SWAP_MARKER } from '../persistence/leveldb/directory.js';

export { DATA_ID_FILE };

interface Identity {
  id: string;
  created: string;
}

export class DataDirectoryMissingError extends Error {
  override name = 'DataDirectoryMissingError';
}

export interface DataDirectoryCheck {
  id: string;
  /** True when this start created the identity (a new data directory). */
  created: boolean;
  /** The witness file, or null when it could not be written (then a vanished directory goes unnoticed). */
  witness: string | null;
  witnessError?: string;
}

export function witnessPath(dataDir: string): string {
  const dir = resolve(dataDir);
  return join(dirname(dir), `.${basename(dir)}.quire-data`);
}

export function checkDataDirectory(dataDir: string): DataDirectoryCheck {
  const dir = resolve(dataDir);
  const witness = witnessPath(dir);
  // Its identity file is in lost/ until the swap is finished: say what to do, not "missing".
  if (existsSync(join(dir, SWAP_MARKER))) {
    throw new DataDirectoryMissingError(
      `A repair of the data directory ${dir} was interrupted while it moved files: run \`npx y-quire repair --data ${dir}\` again to finish it.`,
    );
  }
  const remembered = readJson(witness);
  const present = readJson(join(dir, DATA_ID_FILE));
  if (remembered !== null) {
    const restore = `Restore the data directory (or mount its volume); to start with an empty database on purpose, delete ${witness}.`;
    if (present === null) {
      const state = isMissing(dir) ? 'is missing' : isEmpty(dir) ? 'is empty' : `has no ${DATA_ID_FILE}`;
      throw new DataDirectoryMissingError(
        `The data directory ${dir} ${state}, but quire created a database there on ${remembered.created} (id ${remembered.id}, remembered in ${witness}). ${restore}`,
      );
    }
    if (present.id !== remembered.id) {
      throw new DataDirectoryMissingError(
        `The data directory ${dir} holds another database (id ${present.id}, created ${present.created}) than the one quire created there (id ${remembered.id}, remembered in ${witness}). ${restore}`,
      );
    }
    return { id: present.id, created: false, witness };
  }
  // Not mkdirSync(recursive): it spins for ever on paths like /proc/quire-data (Node 20).
  ensureDirectorySync(dir);
  let identity = present;
  if (identity === null) {
    identity = { id: randomUUID(), created: new Date().toISOString() };
    writeFileSync(join(dir, DATA_ID_FILE), `${JSON.stringify(identity)}\n`);
  }
  try {
    writeFileSync(witness, `${JSON.stringify({ ...identity, dataDir: dir })}\n`);
  } catch (error) {
    return { id: identity.id, created: present === null, witness: null, witnessError: (error as Error).message };
  }
  return { id: identity.id, created: present === null, witness };
}

function readJson(path: string): Identity | null {
  try {
    const value = JSON.parse(readFileSync(path, 'utf8')) as Partial<Identity>;
    return typeof value.id === 'string' ? { id: value.id, created: String(value.created ?? 'an unknown date') } : null;
  } catch {
    return null;
  }
}

function isMissing(dir: string): boolean {
  try {
    readdirSync(dir);
    return false;
  } catch {
    return true;
  }
}

function isEmpty(dir: string): boolean {
  try {
    return readdirSync(dir).length === 0;
  } catch {
    return false;
  }
}
