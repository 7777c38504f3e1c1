import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError } from '../config/load.js';
import { packageRoot } from './package-root.js';

/** Where `npm run build` puts the example editor. */
export const EDITOR_BUILD_DIR = join('dist', 'examples', 'rich-text');

export type StaticDirChoice = { dir: string } | { dir: null; missingDefault: string };

/**
 * The directory to serve at `/`. A directory the operator named must exist (a typo exits 2, like
 * any bad value); the default editor build may be missing (a fresh checkout before `npm run
 * build`), which only costs the front-end, so the caller logs it and carries on.
 */
export function chooseStaticDir(configured: string | undefined, cwd = process.cwd()): StaticDirChoice {
  if (configured !== undefined) {
    const dir = resolve(cwd, configured);
    if (!isDirectory(dir)) {
      throw new ConfigError(
        `Invalid value for --static: ${JSON.stringify(configured)}. Allowed: an existing directory (${dir} is not one).`,
      );
    }
    return { dir };
  }
  const dir = join(packageRoot(), EDITOR_BUILD_DIR);
  return isDirectory(dir) ? { dir } : { dir: null, missingDefault: dir };
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
