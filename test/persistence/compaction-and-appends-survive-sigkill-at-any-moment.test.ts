import { afterAll, beforeAll, expect, it } from 'vitest';
import * as Y from 'yjs';
import { LevelDbStore } from '../../server/persistence/leveldb-store.js';
import { CRASH_DOCUMENTS } from '../helpers/persistence/crash-documents.js';
import { runFixture } from '../helpers/persistence/fixture-process.js';
import { type TempDir, makeTempDir } from '../helpers/temp-dir.js';

/**
 * A real writer process appends continuously (compacting every ~60 updates) and is SIGKILLed
 * at random moments — some rounds right as a compaction batch is being written. After each
 * kill the directory is reopened: every update whose append had resolved must be there, and
 * every document must load.
 */
const ROUNDS = 6;
const SEED = 20241126;

let dir: TempDir;
beforeAll(async () => {
  dir = await makeTempDir('crash');
});
afterAll(async () => {
  await dir.remove();
});

// Seeded, so a failure can be replayed with the same kill moments.
function rng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

it('keeps every acknowledged update through SIGKILLs during appends and compactions', async () => {
  const random = rng(SEED);
  const acknowledged = new Set<number>();
  let killedWhileCompacting = 0;

  for (let round = 0; round < ROUNDS; round++) {
    const first = (round + 1) * 1_000_000;
    const writer = runFixture('crash-writer', [dir.path, String(first), String(SEED + round)]);
    const roundAcks: number[] = [];
    let compactionsSeen = 0;
    // Odd rounds: kill as the k-th compaction batch is being written (0–2 ms after the writer
    // announces it, so sometimes before the batch lands and sometimes after). Even rounds: kill
    // after a random delay, wherever the writer is.
    const killOnCompaction = round % 2 === 1 ? 1 + Math.floor(random() * 2) : 0;
    const compactionKillDelay = Math.floor(random() * 3);
    writer.onLine((line) => {
      if (line.startsWith('ack ')) roundAcks.push(Number(line.slice(4)));
      else if (line.startsWith('compacting ') && ++compactionsSeen === killOnCompaction) {
        setTimeout(() => writer.child.kill('SIGKILL'), compactionKillDelay);
        killedWhileCompacting++;
      }
    });
    await writer.waitForLine((line) => line === 'ready');
    // Compaction rounds wait for their compaction (generously: the machine may be busy).
    const killAfter = killOnCompaction > 0 ? 20_000 : 150 + Math.floor(random() * 900);
    const timer = setTimeout(() => writer.child.kill('SIGKILL'), killAfter);
    const { signal, stderr } = await writer.exited;
    clearTimeout(timer);
    expect(signal, stderr).toBe('SIGKILL');
    expect(writer.lines.filter((line) => line.startsWith('failed'))).toEqual([]);
    for (const n of roundAcks) acknowledged.add(n);

    const store = await LevelDbStore.open({ path: dir.path });
    try {
      const present = new Set<number>();
      for (const name of CRASH_DOCUMENTS) {
        const doc = new Y.Doc();
        for (const update of await store.load(name)) Y.applyUpdate(doc, update);
        const numbers = doc.getArray<number>('acked').toArray();
        expect(new Set(numbers).size, `${name}: no update applied twice`).toBe(numbers.length);
        for (const n of numbers) present.add(n);
      }
      const lost = [...acknowledged].filter((n) => !present.has(n));
      expect(lost, `round ${round}: acknowledged but lost`).toEqual([]);
    } finally {
      await store.close();
    }
  }

  expect(killedWhileCompacting).toBe(ROUNDS / 2);
  expect(acknowledged.size).toBeGreaterThan(500);
}, 90_000);
