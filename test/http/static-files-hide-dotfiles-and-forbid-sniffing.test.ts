import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../helpers/server.js';
import { removeTempDirs, tempDir } from '../helpers/temp-dir.js';

describe('the static front-end', () => {
  let running: RunningServer;
  let dir: string;

  beforeAll(async () => {
    dir = await tempDir('static-dot');
    await writeFile(join(dir, 'index.html'), '<!doctype html><title>quire</title>');
    await writeFile(join(dir, 'app.js'), 'console.log(1)');
    await writeFile(join(dir, '.env'), 'SECRET=1');
    await mkdir(join(dir, '.git'));
    await writeFile(join(dir, '.git', 'config'), '[core]');
    await mkdir(join(dir, 'assets'));
    await writeFile(join(dir, 'assets', '.hidden.js'), 'x');
    running = await startServer({ staticDir: dir });
  });
  afterAll(async () => {
    await running?.close();
    await removeTempDirs();
  });

  it('never serves dotfiles or dot-directories, nor the page in their place', async () => {
    for (const path of ['/.env', '/.git/config', '/.git', '/assets/.hidden.js', '/%2Eenv', '/assets/..%2F.env']) {
      const response = await fetch(`${running.url}${path}`);
      expect(response.status, path).toBe(404);
      expect(await response.text(), path).not.toContain('SECRET');
    }
  });

  it('tells browsers not to guess content types', async () => {
    for (const path of ['/', '/app.js', '/missing.js', '/client-route']) {
      const response = await fetch(`${running.url}${path}`);
      expect(response.headers.get('x-content-type-options'), path).toBe('nosniff');
    }
  });
});
