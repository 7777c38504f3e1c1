import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LevelDbStore } from '../../server/persistence/leveldb-store.js';
import { runCli } from '../helpers/ops/cli-process.js';
import { removeTempDirs, tempDir } from '../helpers/temp-dir.js';

describe('a data directory that cannot be created fails fast with a message naming it', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await tempDir('datadir');
    await writeFile(join(dir, 'a-file'), 'not a directory');
  });
  afterAll(async () => {
    await removeTempDirs();
  });

  // Node 20's recursive mkdir spins for ever on this one (a parent that answers ENOENT). The
  // timeouts only bound a CLI start (tsx compiling it) on a busy machine; the bug never ends.
  it('under /proc: exits 1 at once instead of spinning', async () => {
    const result = await runCli(['--data', '/proc/quire-data', '--port', '0']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('could not start');
    expect(result.stderr).toContain('/proc/quire-data');
  }, 90_000);

  it('under a regular file: exits 1 saying which part is not a directory', async () => {
    const path = join(dir, 'a-file', 'data');
    const result = await runCli(['--data', path, '--port', '0']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(path);
    expect(result.stderr).toContain('is not a directory');
  }, 90_000);

  it('still creates missing parents of a usable path', async () => {
    const path = join(dir, 'x', 'y', 'z');
    const store = await LevelDbStore.open({ path });
    await store.close();
    expect((await stat(path)).isDirectory()).toBe(true);
  });
});
