/**
 * What a user gets from the registry: `npm pack` of a clean checkout (its prepack build included),
 * installed into a scratch app outside the repository, must type-check and run the headless
 * example against its own in-memory server and against the installed `y-quire` command.
 *
 * The install prefers npm's cache (filled by the repository's own install) and falls back to the
 * registry for anything missing.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TempDir, makeTempDir } from '../helpers/temp-dir.js';

const run = promisify(execFile);
const repo = fileURLToPath(new URL('../..', import.meta.url));
const tsxLoader = pathToFileURL(join(repo, 'node_modules/tsx/dist/loader.mjs')).href;
const tsc = join(repo, 'node_modules/typescript/bin/tsc');
const EXAMPLE = 'examples/headless/sync-two-clients.ts';
const npm = (args: string[], cwd: string) =>
  run('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd, timeout: 240_000, maxBuffer: 16 * 1024 * 1024 });

describe('the packed tarball', () => {
  let work: TempDir;
  let app: string;
  let cli: ChildProcess | null = null;

  beforeAll(async () => {
    work = await makeTempDir('pack');
    // A clean checkout: the files git would check out (tracked, or new and not ignored), no dist/.
    const checkout = join(work.path, 'checkout');
    const { stdout } = await run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
      cwd: repo,
      maxBuffer: 16 * 1024 * 1024,
    });
    for (const file of stdout.split('\0').filter((name) => name !== '')) {
      mkdirSync(dirname(join(checkout, file)), { recursive: true });
      try {
        copyFileSync(join(repo, file), join(checkout, file));
      } catch (error) {
        // A file deleted in the working tree but still in the index is not part of the checkout.
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    symlinkSync(join(repo, 'node_modules'), join(checkout, 'node_modules'));
    const packed = await npm(['pack', '--pack-destination', work.path], checkout);
    const tarball = join(work.path, packed.stdout.trim().split('\n').at(-1)!);

    app = join(work.path, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'scratch-app', private: true, type: 'module' }));
    await npm(['install', '--prefer-offline', tarball], app);
    copyFileSync(join(repo, EXAMPLE), join(app, 'sync-two-clients.ts'));
  }, 300_000);

  afterAll(async () => {
    if (cli !== null && cli.exitCode === null) {
      cli.kill('SIGTERM');
      await once(cli, 'exit');
    }
    await work?.remove();
  });

  it('ships the built library, the command and the editor, and no sources or build stamps', () => {
    const installed = join(app, 'node_modules/y-quire');
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    expect(manifest.bin['y-quire']).toBe('./dist/server/cli.js');
    for (const file of ['dist/server/index.js', 'dist/client/index.d.ts', 'dist/examples/rich-text/index.html']) {
      expect(() => readFileSync(join(installed, file))).not.toThrow();
    }
    expect(() => readFileSync(join(installed, 'client/provider.ts'))).toThrow();
    expect(() => readFileSync(join(installed, 'dist/.build-stamps/lib'))).toThrow();
  });

  it('type-checks the headless example against the installed types', async () => {
    const args = ['--noEmit', '--strict', '--module', 'nodenext', '--target', 'es2022', '--skipLibCheck'];
    const types = ['--typeRoots', join(repo, 'node_modules/@types'), '--types', 'node'];
    await expect(run(process.execPath, [tsc, ...args, ...types, 'sync-two-clients.ts'], { cwd: app })).resolves.toBeDefined();
  });

  it("runs the headless example with the package's own server", async () => {
    const { stdout } = await run(process.execPath, ['--import', tsxLoader, 'sync-two-clients.ts'], { cwd: app, timeout: 60_000 });
    expect(stdout).toContain('final: Hello from Alice. And Bob answers.');
  });

  it('runs the headless example against the installed y-quire command, which serves the editor', async () => {
    const bin = join(app, 'node_modules/.bin/y-quire');
    expect((await run(bin, ['--help'], { cwd: app })).stdout).toContain('Usage: y-quire [options]');

    cli = spawn(bin, ['--port', '0', '--data', join(app, 'data')], { cwd: app, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    cli.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const url = await new Promise<string>((resolve, reject) => {
      cli!.stdout!.on('data', () => {
        const match = /quire listening on (http:\/\/\S+?)\/?$/m.exec(output);
        if (match !== null) resolve(match[1]!);
      });
      cli!.once('exit', (code) => reject(new Error(`y-quire exited with ${code}: ${output}`)));
    });
    expect(await (await fetch(`${url}/`)).text()).toContain('<div');

    const { stdout } = await run(process.execPath, ['--import', tsxLoader, 'sync-two-clients.ts', url], { cwd: app, timeout: 60_000 });
    expect(stdout).toContain('final: Hello from Alice. And Bob answers.');
  });
});
