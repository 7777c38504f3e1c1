import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TempDir {
  path: string;
  remove(): Promise<void>;
}

/** Every directory made and not yet removed, so `removeTempDirs` can clean up after a failed test. */
const made = new Set<string>();

/** A fresh directory `quire-<label>-…` under the OS temp dir; `remove()` deletes it and everything in it. */
export async function makeTempDir(label = 'test'): Promise<TempDir> {
  const path = await mkdtemp(join(tmpdir(), `quire-${label}-`));
  made.add(path);
  return {
    path,
    remove: async () => {
      made.delete(path);
      await rm(path, { recursive: true, force: true });
    },
  };
}

/** The path of a fresh temp directory, for tests that clean up with `afterEach(removeTempDirs)`. */
export async function tempDir(label?: string): Promise<string> {
  return (await makeTempDir(label)).path;
}

/** Deletes every directory this test file made and has not removed yet. */
export async function removeTempDirs(): Promise<void> {
  const paths = [...made];
  made.clear();
  await Promise.all(paths.map((path) => rm(path, { recursive: true, force: true })));
}
