#!/usr/bin/env node
// @ts-check
/**
 * Builds what is out of date, and only that: the library (tsc → dist/) when server/, client/,
 * shared/ or the tsconfigs changed since its last build, the example editor (vite →
 * dist/examples/rich-text/) when its sources or the client code it bundles changed. `npm start`
 * and `npm install` (prepare) run it, so a second start costs no build.
 *
 *   node scripts/build.mjs             # what is stale
 *   node scripts/build.mjs --force     # everything (npm run build)
 *   node scripts/build.mjs --clean     # remove dist/ first, then everything (npm pack)
 *   node scripts/build.mjs editor      # one target: lib | editor
 *
 * Plain JavaScript on purpose: it runs before anything is compiled, with nothing but Node.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stampDir = join(root, 'dist', '.build-stamps');

/** @type {Record<string, { inputs: string[]; output: string; command: string[]; env?: Record<string, string> }>} */
const targets = {
  lib: {
    inputs: ['server', 'client', 'shared', 'tsconfig.json', 'tsconfig.build.json', 'tsconfig.browser.json', 'package.json'],
    output: 'dist/server/cli.js',
    command: [process.execPath, join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
  },
  editor: {
    inputs: ['examples/rich-text', 'examples/vite.shared.ts', 'client', 'shared'],
    output: 'dist/examples/rich-text/index.html',
    command: [process.execPath, join(root, 'node_modules/vite/bin/vite.js'), 'build', '-c', 'examples/rich-text/vite.config.ts'],
    // Vitest and some shells set NODE_ENV=test/development, which Vite would honour with a
    // non-production build (no service worker, dev-only code kept): build what ships.
    env: { NODE_ENV: 'production' },
  },
};

/** Newest modification time under `path`; directories count too, so a deleted file is a change. */
function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

const args = process.argv.slice(2);
const clean = args.includes('--clean');
const force = clean || args.includes('--force');
const unknown = args.filter((arg) => arg.startsWith('-') && arg !== '--clean' && arg !== '--force');
const names = args.filter((arg) => !arg.startsWith('-'));
const bad = names.filter((name) => !(name in targets));
if (unknown.length > 0 || bad.length > 0) {
  process.stderr.write(
    `build: unknown ${[...unknown, ...bad].join(', ')}; usage: node scripts/build.mjs [--force|--clean] [lib] [editor]\n`,
  );
  process.exit(2);
}

if (clean) rmSync(join(root, 'dist'), { recursive: true, force: true });
for (const name of names.length > 0 ? names : Object.keys(targets)) {
  const target = targets[name];
  if (target === undefined) continue;
  const stamp = join(stampDir, name);
  const builtAt = existsSync(stamp) ? statSync(stamp).mtimeMs : 0;
  const changedAt = Math.max(...target.inputs.map((input) => newestMtime(join(root, input))));
  if (!force && builtAt >= changedAt && existsSync(join(root, target.output))) continue;
  const [command, ...commandArgs] = target.command;
  const result = spawnSync(/** @type {string} */ (command), commandArgs, {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ...target.env },
  });
  if (result.status !== 0) {
    process.stderr.write(`build: ${name} failed (${result.error?.message ?? `exit ${result.status}`})\n`);
    process.exit(1);
  }
  // Written after the build, so inputs edited during it count as changed next time.
  mkdirSync(stampDir, { recursive: true });
  writeFileSync(stamp, `${new Date().toISOString()}\n`);
}
