import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliProcess, type CliResult, runCli } from '../helpers/ops/cli-process.js';
import { removeTempDirs, tempDir } from '../helpers/temp-dir.js';

/** The user the permission case runs as when the suite runs as root (root ignores permissions). */
const NOBODY = 65_534;

/**
 * What a person or a service manager sees: one line on stderr and exit 1. Standard output may
 * carry the info lines of a start that got under way, but no error log and no stack.
 */
function expectOneClearLine(result: CliResult): string {
  expect(result.code).toBe(1);
  for (const line of result.stdout.split('\n').filter((text) => text !== '')) {
    expect((JSON.parse(line) as { level: number }).level, line).toBeLessThan(50);
    expect(line).not.toContain('"stack"');
  }
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  const [line] = lines as [string];
  expect(line).toMatch(/^quire: could not start: /);
  expect(line).not.toMatch(/\bat .*\(.*:\d+:\d+\)|"stack"|\.:/);
  return line;
}

// Each case starts the CLI through tsx (seconds on a busy machine), some two of them.
describe('start-up failures', { timeout: 120_000 }, () => {
  let dir: string;
  let holder: CliProcess | null = null;
  beforeAll(async () => {
    dir = await tempDir('startup');
    await chmod(dir, 0o755);
  });
  afterAll(async () => {
    holder?.kill();
    await removeTempDirs();
  });

  it('name the taken port and the --port option', async () => {
    holder = await CliProcess.start(['--data', join(dir, 'held')]);
    const { port } = new URL(holder.url);
    const line = expectOneClearLine(await runCli(['--data', join(dir, 'other'), '--port', port]));
    expect(line).toContain(`127.0.0.1:${port} is already in use`);
    expect(line).toContain('--port');
  });

  it('name the locked data directory once, without the IO error glued to the sentence', async () => {
    const line = expectOneClearLine(await runCli(['--data', join(dir, 'held'), '--port', '0']));
    expect(line).toContain(`${join(dir, 'held')} is locked by another running process`);
    expect(line).not.toContain('IO error');
    expect(line).toContain('--data');
  });

  it('say "permission denied" once for a data directory the user may not write', async () => {
    const denied = join(dir, 'denied');
    await mkdir(denied);
    await chmod(denied, 0o555);
    const asRoot = process.getuid?.() === 0;
    const result = await runCli(['--data', join(denied, 'sub'), '--port', '0'], {}, asRoot ? { uid: NOBODY } : {});
    const line = expectOneClearLine(result);
    expect(line).toContain(`cannot use the data directory ${join(denied, 'sub')}: permission denied`);
    expect(line.match(/permission denied/gi)).toHaveLength(1);
    expect(line).toContain('--data');
  });

  it('say "permission denied" once when LevelDB cannot take the directory lock', async () => {
    const stored = join(dir, 'stored');
    const first = await CliProcess.start(['--data', stored]);
    await first.stop('SIGTERM');
    await chmod(join(stored, 'LOCK'), 0o444);
    const asRoot = process.getuid?.() === 0;
    if (!asRoot) await chmod(stored, 0o555);
    const result = await runCli(['--data', stored, '--port', '0'], {}, asRoot ? { uid: NOBODY } : {});
    const line = expectOneClearLine(result);
    expect(line).toContain(`cannot use the data directory ${stored}: permission denied`);
    expect(line).not.toMatch(/IO error.*IO error/);
  });

  it('name a file that stands where the data directory should be', async () => {
    const file = join(dir, 'a-file');
    await writeFile(file, 'not a directory');
    const line = expectOneClearLine(await runCli(['--data', join(file, 'sub'), '--port', '0']));
    expect(line).toContain('a file is in the way');
  });

  it('keep the stack for --log-level debug', async () => {
    const result = await runCli(['--data', join(dir, 'held'), '--port', '0', '--log-level', 'debug', '--log-format', 'json']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('"stack"');
    expect(result.stderr).toMatch(/^quire: could not start: /);
  });
});
