/**
 * Native memory of the LevelDB store under a hot document: one document receives insert/delete
 * traffic as fast as the store acknowledges it, with automatic compaction on (the defaults),
 * for a fixed time; RSS, JS heap and external memory are sampled every second, and again after
 * the traffic stops.
 *
 *   npx tsx bench/store-memory.ts [seconds=60] [--no-compaction] [--memory-store]
 *
 * Prints one JSON line per sample and a summary line. Set MALLOC_ARENA_MAX in the environment
 * to see the allocator's share (the store's own options are the ones under test).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as Y from 'yjs';
import { LevelDbStore } from '../server/persistence/leveldb-store.js';
import { MemoryStore } from '../server/persistence/memory-store.js';
import type { DocumentStore } from '../server/persistence/types.js';

const args = process.argv.slice(2);
const seconds = Number(args.find((a) => /^\d+$/.test(a)) ?? 60);
/** `--mib N`: stop after N MiB written instead of after a time (for comparing configurations on a busy machine). */
const mibArg = args.indexOf('--mib');
const targetBytes = mibArg === -1 ? Infinity : Number(args[mibArg + 1]) * 1024 * 1024;
const envNumber = (name: string) => (process.env[name] === undefined ? undefined : Number(process.env[name]));
const compaction = !args.includes('--no-compaction');
const memoryStore = args.includes('--memory-store');
const MiB = 1024 * 1024;

const out = (value: unknown): void => void process.stdout.write(`${JSON.stringify(value)}\n`);
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

// mulberry32, seeded: the same traffic every run.
let seed = 12;
const random = (): number => {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

function sample(phase: string, written: number, started: number): Record<string, unknown> {
  const m = process.memoryUsage();
  return {
    phase,
    t: Math.round((performance.now() - started) / 1000),
    rssMiB: +(m.rss / MiB).toFixed(1),
    heapMiB: +(m.heapUsed / MiB).toFixed(1),
    heapTotalMiB: +(m.heapTotal / MiB).toFixed(1),
    nativeMiB: +((m.rss - m.heapTotal - m.external) / MiB).toFixed(1),
    externalMiB: +(m.external / MiB).toFixed(1),
    writtenMiB: +(written / MiB).toFixed(1),
  };
}

const dir = await mkdtemp(join(tmpdir(), 'quire-memory-'));
const store: DocumentStore = memoryStore
  ? new MemoryStore()
  : await LevelDbStore.open({
      path: dir,
      ...(compaction ? {} : { compactAfterBytes: Infinity, compactAfterUpdates: Infinity }),
      ...(envNumber('BENCH_WRITE_BUFFER') === undefined ? {} : { writeBufferSize: envNumber('BENCH_WRITE_BUFFER') }),
      ...(envNumber('BENCH_CACHE') === undefined ? {} : { cacheSize: envNumber('BENCH_CACHE') }),
    });
const doc = new Y.Doc();
const text = doc.getText('text');
let written = 0;
let peakRss = 0;
const started = performance.now();
const pending = new Set<Promise<void>>();
doc.on('update', (update: Uint8Array) => {
  written += update.byteLength;
  const append = store.append('hot', update);
  pending.add(append);
  void append.finally(() => pending.delete(append));
});
const timer = setInterval(() => {
  const s = sample('writing', written, started);
  peakRss = Math.max(peakRss, s.rssMiB as number);
  out(s);
}, 1000);

const deadline = started + seconds * 1000;
while (performance.now() < deadline && written < targetBytes) {
  // Paragraph-sized inserts and deletes that keep the text near 20,000 characters: the stored log
  // grows by megabytes a second while the live document stays small.
  for (let i = 0; i < 20; i++) {
    const length = text.length;
    const size = 100 + Math.floor(random() * 900);
    if (length > 20_000) text.delete(Math.floor(random() * (length - size)), size);
    else text.insert(Math.floor(random() * (length + 1)), 'x'.repeat(size));
  }
  await nextTurn();
  if (pending.size > 5000) await Promise.race(pending);
}
clearInterval(timer);
await Promise.all(pending);
if (store instanceof LevelDbStore) await store.whenIdle();
global.gc?.();
for (let i = 0; i < 5; i++) {
  await new Promise((resolve) => setTimeout(resolve, 1000));
  out(sample('idle', written, started));
}
const idle = sample('idle', written, started);
out({
  summary: true,
  seconds: Math.round((performance.now() - started) / 1000),
  compaction,
  store: memoryStore ? 'memory' : 'leveldb',
  writtenMiB: idle.writtenMiB,
  peakRssMiB: peakRss,
  idleRssMiB: idle.rssMiB,
});
await store.close();
await rm(dir, { recursive: true, force: true });
