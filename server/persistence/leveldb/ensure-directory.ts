import { mkdirSync, statSync } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

/** The data directory cannot be used; the message names it and says why. */
export class DataDirectoryError extends Error {
  constructor(
    path: string,
    /** Why, in words: "it exists and is not a directory", "/a/b is not a directory", … */
    readonly reason: string,
    /** The system error code behind it, so callers can put it in plain words. */
    readonly code?: string,
    readonly syscall = 'mkdir',
  ) {
    super(`cannot use ${path} as the data directory: ${reason}`);
    this.name = 'DataDirectoryError';
  }
}

/**
 * Creates `path` and its missing parents, one level at a time.
 *
 * Not `mkdir(path, { recursive: true })`: on Node 20 it loops for ever, burning a core, when a
 * parent exists but refuses new entries with ENOENT (`/proc/quire-data`). Here every level is
 * tried once, so a directory that cannot be created fails at once with a message that says where.
 */
export async function ensureDirectory(path: string): Promise<void> {
  const target = resolve(path);
  const existing = await kindOf(target);
  if (existing === 'directory') return;
  if (existing === 'other') throw new DataDirectoryError(path, 'it exists and is not a directory', 'ENOTDIR');
  const parent = dirname(target);
  if (parent !== target) {
    const parentKind = await kindOf(parent);
    if (parentKind === 'missing') await ensureDirectory(parent);
    else if (parentKind === 'other') throw new DataDirectoryError(path, `${parent} is not a directory`, 'ENOTDIR');
  }
  try {
    await mkdir(target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' && (await kindOf(target)) === 'directory') return; // created meanwhile
    throw new DataDirectoryError(path, `${parent} does not let a directory be created in it (${code ?? (error as Error).message})`, code);
  }
}

async function kindOf(path: string): Promise<'directory' | 'other' | 'missing'> {
  try {
    return (await stat(path)).isDirectory() ? 'directory' : 'other';
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'missing';
    if (code === 'ENOTDIR') return 'other';
    throw new DataDirectoryError(path, (error as Error).message);
  }
}

/** The same, synchronously (for start-up code that runs before anything is asynchronous). */
export function ensureDirectorySync(path: string): void {
  const target = resolve(path);
  const existing = kindOfSync(target);
  if (existing === 'directory') return;
  if (existing === 'other') throw new DataDirectoryError(path, 'it exists and is not a directory', 'ENOTDIR');
  const parent = dirname(target);
  if (parent !== target) {
    const parentKind = kindOfSync(parent);
    if (parentKind === 'missing') ensureDirectorySync(parent);
    else if (parentKind === 'other') throw new DataDirectoryError(path, `${parent} is not a directory`, 'ENOTDIR');
  }
  try {
    mkdirSync(target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' && kindOfSync(target) === 'directory') return;
    throw new DataDirectoryError(path, `${parent} does not let a directory be created in it (${code ?? (error as Error).message})`, code);
  }
}

function kindOfSync(path: string): 'directory' | 'other' | 'missing' {
  try {
    return statSync(path).isDirectory() ? 'directory' : 'other';
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'missing';
    if (code === 'ENOTDIR') return 'other';
    throw new DataDirectoryError(path, (error as Error).message);
  }
}
