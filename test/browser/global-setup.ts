/**
 * Builds the example editor before the browser suite when its build output is missing or older
 * than its sources (or the client and shared code it bundles), so `npm run test:browser` works
 * on a fresh clone and never tests a stale bundle.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const EDITOR_BUILD_DIR = join(repoRoot, 'dist/examples/rich-text');
const SOURCES = ['examples/rich-text', 'examples/vite.shared.ts', 'client', 'shared'];

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

export default function setup(): void {
  const builtIndex = join(EDITOR_BUILD_DIR, 'index.html');
  const builtAt = existsSync(builtIndex) ? statSync(builtIndex).mtimeMs : 0;
  const sourcesAt = Math.max(...SOURCES.map((source) => newestMtime(join(repoRoot, source))));
  if (builtAt >= sourcesAt) return;
  // Vitest sets NODE_ENV=test, which Vite would honour with a non-production build (no service
  // worker registration, dev-only code kept): build what `npm run build` ships.
  const result = spawnSync('npm', ['run', 'build:editor'], {
    cwd: repoRoot,
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (result.status !== 0) throw new Error(`npm run build:editor failed (exit ${result.status})`);
}
