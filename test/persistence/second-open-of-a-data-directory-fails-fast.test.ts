import { afterEach, beforeEach, expect, it } from 'vitest';
import { LevelDbStore, StoreLockedError } from '../../server/persistence/leveldb-store.js';
import { runFixture } from '../helpers/persistence/fixture-process.js';
import { type TempDir, makeTempDir } from '../helpers/temp-dir.js';

let dir: TempDir;
beforeEach(async () => {
  dir = await makeTempDir('lock');
});
afterEach(async () => {
  await dir.remove();
});

/** Opens the directory expecting the lock error; returns it and how long the attempt took. */
async function openLocked(path: string): Promise<{ error: unknown; ms: number }> {
  const started = performance.now();
  const error = await LevelDbStore.open({ path }).then(
    async (store) => {
      await store.close();
      return undefined;
    },
    (err: unknown) => err,
  );
  return { error, ms: performance.now() - started };
}

it('refuses a second open in the same process at once, naming the directory, and keeps the first lock', async () => {
  const first = await LevelDbStore.open({ path: dir.path });
  try {
    const { error, ms } = await openLocked(dir.path);
    expect(error).toBeInstanceOf(StoreLockedError);
    expect((error as StoreLockedError).message).toContain(dir.path);
    expect((error as StoreLockedError).message).toMatch(/locked by another store in this process/);
    expect(ms).toBeLessThan(1000);

    // A failed second open must not release the first one's lock (LevelDB's fcntl locks are
    // per process): another process is still refused.
    const other = runFixture('open-store', [dir.path]);
    const line = await other.waitForLine((l) => l.startsWith('error') || l === 'ready');
    other.child.stdin!.end();
    await other.exited;
    expect(line).toMatch(/^error StoreLockedError .*locked by another running process/);

    // And the first store still works.
    await first.append('still-mine', new Uint8Array([1]));
    expect(await first.load('still-mine')).toEqual([new Uint8Array([1])]);
  } finally {
    await first.close();
  }
  // Closed, the directory can be opened again.
  const again = await LevelDbStore.open({ path: dir.path });
  await again.close();
});

it('refuses a directory another running process holds at once, with a clear message, until that process dies', async () => {
  const holder = runFixture('open-store', [dir.path]);
  try {
    await holder.waitForLine((line) => line === 'ready');
    const { error, ms } = await openLocked(dir.path);
    expect(error).toBeInstanceOf(StoreLockedError);
    const { message } = error as StoreLockedError;
    expect(message).toContain(dir.path);
    expect(message).toMatch(/locked by another running process/);
    expect(message).toMatch(/stop the other one or choose another directory/);
    expect(ms).toBeLessThan(1000);
  } finally {
    holder.child.kill('SIGKILL');
    await holder.exited;
  }
  // The kernel drops a killed process's lock: the directory opens again.
  const store = await LevelDbStore.open({ path: dir.path });
  await store.close();
});
