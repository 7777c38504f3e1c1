import { rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../helpers/server.js';
import { removeTempDirs, tempDir } from '../helpers/temp-dir.js';

describe('a static file that disappears while it is being served', () => {
  let running: RunningServer | null = null;
  let dir: string | null = null;
  afterEach(async () => {
    await running?.close();
    await removeTempDirs();
    running = null;
    dir = null;
  });

  it('is answered 404 or in full, and the server keeps serving', async () => {
    dir = await tempDir('static-race');
    const content = 'x'.repeat(64 * 1024);
    await writeFile(join(dir, 'index.html'), '<!doctype html><title>quire</title>');
    running = await startServer({ staticDir: dir });
    const url = running.url;
    // Files come and go as fast as the disk allows while they are requested: a deploy replacing
    // the build under a running server. Each request races a removal between looking at the file
    // and reading it.
    let churning = true;
    const churn = (async () => {
      for (let i = 0; churning; i++) {
        const file = join(dir!, `chunk-${i % 8}.js`);
        // Written aside and renamed into place, so a file is either whole or absent.
        const staged = join(dir!, `staged-${i % 8}.tmp`);
        // Stops quietly if the directory is gone (the test ended).
        if (
          !(await writeFile(staged, content)
            .then(() => rename(staged, file))
            .then(
              () => true,
              () => false,
            ))
        )
          break;
        await new Promise((resolve) => setImmediate(resolve));
        await unlink(file).catch(() => {});
      }
    })();
    const statuses = new Map<number, number>();
    for (let round = 0; round < 60; round++) {
      const responses = await Promise.all(
        Array.from({ length: 8 }, async (_, i) => {
          const response = await fetch(`${url}/chunk-${i}.js`);
          const body = await response.text();
          if (response.status === 200) expect(body).toBe(content);
          return response.status;
        }),
      );
      for (const status of responses) statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
    churning = false;
    await churn;
    expect([...statuses.keys()].every((status) => status === 200 || status === 404)).toBe(true);
    expect((await fetch(`${url}/`)).status).toBe(200);
  }, 90_000);
});
