import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The name quire is published under on the npm registry (`quire` itself is another package). */
export const PACKAGE_NAME = 'y-quire';

/** How a person runs the CLI, wherever the package is installed: the hint error messages give. */
export const HELP_COMMAND = `npx ${PACKAGE_NAME} --help`;

/**
 * The directory of quire's package.json, found by walking up from this file: the same answer
 * whether the CLI runs built (dist/server/cli/) or from source (server/cli/).
 */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === PACKAGE_NAME) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`quire: cannot find the package root (package.json named "${PACKAGE_NAME}")`);
    dir = parent;
  }
}

export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}
