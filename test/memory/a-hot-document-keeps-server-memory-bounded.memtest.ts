import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type TestClient, connectSynced, destroyClients } from '../helpers/clients.js';
import { waitFor } from '../helpers/wait-for.js';
import { CliProcess } from '../helpers/ops/cli-process.js';
import { scrape } from '../helpers/ops/prometheus.js';
import { removeTempDirs, tempDir } from '../helpers/temp-dir.js';

/**
 * One hot document under paragraph-sized inserts and deletes for a minute (about 1.5 MB/s of
 * updates, compaction on with the default thresholds), through the real CLI, as `npm start` runs
 * it. The server's resident memory, read
 * from its own /metrics, must stay within the stated bounds while writing and once idle.
 * Measured figures are in BENCHMARKS.md; the bounds leave room for a busy machine.
 */
const SECONDS = Number(process.env.QUIRE_MEMORY_SECONDS ?? 60);
const MiB = 1024 * 1024;
const PEAK_BOUND = 400 * MiB;
const IDLE_BOUND = 250 * MiB;

let workDir: string;
let quire: CliProcess;
let clients: TestClient[] = [];
beforeAll(async () => {
  workDir = await tempDir('memory');
  quire = await CliProcess.start(
    ['--data', join(workDir, 'data'), '--rate-updates', '100000/100000', '--rate-update-bytes', '1000000000/1000000000'],
    // As `npm start` runs it; QUIRE_MEMORY_ARENAS=2 measures with MALLOC_ARENA_MAX=2 (docs/OPERATING.md, "Memory").
    process.env.QUIRE_MEMORY_ARENAS === undefined ? {} : { MALLOC_ARENA_MAX: process.env.QUIRE_MEMORY_ARENAS },
  );
});
afterAll(async () => {
  destroyClients(clients);
  quire?.kill();
  await removeTempDirs();
});

const rss = async () => (await scrape(quire.url)).get('process_resident_memory_bytes') ?? 0;

it(`keeps the server's RSS under ${PEAK_BOUND / MiB} MiB while a hot document is written for ${SECONDS} s, and under ${IDLE_BOUND / MiB} MiB idle`, async () => {
  const writer = await connectSynced(quire.url, 'hot');
  clients.push(writer);
  const text = writer.doc.getText('text');
  // mulberry32, seeded: the same traffic every run.
  let seed = 7;
  const random = () => {
    seed = (seed + 0x6d2b79f5) >>> 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const samples: number[] = [];
  let written = 0;
  writer.doc.on('update', (update: Uint8Array) => (written += update.byteLength));
  const deadline = Date.now() + SECONDS * 1000;
  let nextSample = Date.now();
  while (Date.now() < deadline) {
    for (let i = 0; i < 3; i++) {
      const size = 2000 + Math.floor(random() * 6000);
      if (text.length > 40_000) text.delete(Math.floor(random() * (text.length - size)), size);
      else text.insert(Math.floor(random() * (text.length + 1)), 'lorem ipsum '.repeat(size / 12));
    }
    // Keep the client from running far ahead of the server's acknowledgements.
    if (writer.provider.pendingCount > 200) await waitFor(() => writer.provider.pendingCount < 50, 'the server to catch up', 30_000);
    else await new Promise((resolve) => setTimeout(resolve, 10));
    if (Date.now() >= nextSample) {
      samples.push(await rss());
      nextSample = Date.now() + 2000;
    }
  }
  await waitFor(() => writer.provider.pendingCount === 0, 'every edit acknowledged', 60_000);
  // Idle: compactions finish, allocator and V8 settle.
  await new Promise((resolve) => setTimeout(resolve, 8000));
  const idle = await rss();
  const peak = Math.max(...samples, idle);
  process.stdout.write(
    `${JSON.stringify({ seconds: SECONDS, writtenMiB: +(written / MiB).toFixed(1), peakRssMiB: +(peak / MiB).toFixed(1), idleRssMiB: +(idle / MiB).toFixed(1) })}\n`,
  );
  expect(written).toBeGreaterThan(10 * MiB);
  expect(peak).toBeLessThan(PEAK_BOUND);
  expect(idle).toBeLessThan(IDLE_BOUND);
});
