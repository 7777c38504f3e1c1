import { execFileSync } from 'node:child_process';
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from '../temp-dir.js';

/**
 * A small tmpfs mounted on a fresh directory: a real filesystem that really fills up. Mounting
 * needs root (or CAP_SYS_ADMIN); where it is not allowed the tests that need it are skipped with
 * the reason, unless QUIRE_REQUIRE_MOUNTS=1 (set by .ci/run), where that is a failure.
 */
export interface Tmpfs {
  path: string;
  /** Writes a file until the filesystem is full (ENOSPC); returns its path. */
  fill(): string;
  unmount(): Promise<void>;
}

export async function mountTmpfs(sizeMiB: number): Promise<Tmpfs | { unavailable: string }> {
  const { path, remove } = await makeTempDir('tmpfs');
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMiB}m`, 'tmpfs', path], { stdio: 'pipe' });
  } catch (error) {
    await remove();
    const reason = `mounting a ${sizeMiB} MiB tmpfs is not allowed here (${(error as Error).message.split('\n')[0]})`;
    if (process.env.QUIRE_REQUIRE_MOUNTS === '1') throw new Error(`${reason}; QUIRE_REQUIRE_MOUNTS=1 requires it`);
    return { unavailable: reason };
  }
  let fillers = 0;
  return {
    path,
    fill() {
      const file = join(path, `filler-${fillers++}`);
      const fd = openSync(file, 'w');
      const chunk = Buffer.alloc(64 * 1024, 0x5a);
      try {
        for (;;) writeSync(fd, chunk);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
      }
      // The last partial chunk may have fit: go on byte by byte to the very last one.
      try {
        for (;;) writeSync(fd, chunk, 0, 1);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
      } finally {
        closeSync(fd);
      }
      return file;
    },
    async unmount() {
      try {
        execFileSync('umount', [path], { stdio: 'pipe' });
      } catch {
        execFileSync('umount', ['-l', path], { stdio: 'pipe' });
      }
      await remove();
    },
  };
}
