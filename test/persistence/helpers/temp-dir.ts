import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TempDir {
  path: string;
  remove(): Promise<void>;
}

/** A fresh directory under the OS temp dir; `remove()` deletes it and everything in it. */
export async function makeTempDir(label = 'store'): Promise<TempDir> {
  const path = await mkdtemp(join(tmpdir(), `quire-${label}-`));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}
