/**
 * Builds the example editor before the browser suite when its build is missing or older than its
 * sources (or the client and shared code it bundles), through the same staleness check `npm start`
 * uses, so `npm run test:browser` works on a fresh clone and never tests a stale bundle.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export default function setup(): void {
  const result = spawnSync(process.execPath, ['scripts/build.mjs', 'editor'], { cwd: repoRoot, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`scripts/build.mjs editor failed (exit ${result.status})`);
}
