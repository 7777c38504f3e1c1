import { readdir, readlink, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait-for.js';
import { removeTempDirs, tempDir } from '../helpers/temp-dir.js';

/** File descriptors this process (which runs the server) holds open on `path`. */
async function openDescriptors(path: string): Promise<number> {
  let count = 0;
  for (const fd of await readdir('/proc/self/fd')) {
    const target = await readlink(`/proc/self/fd/${fd}`).catch(() => null);
    if (target === path) count++;
  }
  return count;
}

describe('a client that goes away in the middle of a static download', () => {
  let running: RunningServer | null = null;
  let dir: string | null = null;
  afterEach(async () => {
    await running?.close();
    await removeTempDirs();
    running = null;
    dir = null;
  });

  it('leaves no file descriptor open on the server', async () => {
    dir = await tempDir('static-abort');
    const file = join(dir, 'big.js');
    // Far more than socket buffers hold, so the server is still streaming when the client leaves.
    await writeFile(file, Buffer.alloc(32 * 1024 * 1024, 97));
    running = await startServer({ staticDir: dir });
    const { port } = new URL(running.url);
    for (let i = 0; i < 5; i++) {
      await new Promise<void>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path: '/big.js' }, (res) => {
          res.once('data', () => {
            // Read one chunk, then vanish (a closed tab, a dropped connection).
            req.destroy();
            resolve();
          });
        });
        req.once('error', reject);
        req.end();
      });
    }
    await waitFor(async () => (await openDescriptors(file)) === 0, 'the server to close the file', 5_000);
    // And it keeps serving it.
    const response = await fetch(`${running.url}/big.js`, { method: 'HEAD' });
    expect(response.status).toBe(200);
  });
});
