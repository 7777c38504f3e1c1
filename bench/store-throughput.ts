/**
 * LevelDB store benchmark: acknowledged appends per second with and without fsync, and cold
 * load of a real 259,778-edit writing session before and after compaction.
 *
 *   npx tsx bench/store-throughput.ts [path/to/automerge-paper.json.gz]
 *
 * Every figure is the median of 3 runs. "Cold" load means a freshly opened store and a fresh
 * Y.Doc in this process; the OS page cache is warm (as after a server restart on the same machine).
 * The machine's load matters a lot: run it on an otherwise idle machine for comparable figures.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import * as Y from 'yjs';
import { LevelDbStore, type LevelDbStoreOptions } from '../server/persistence/leveldb-store.js';

const TRACE = process.argv[2] ?? '../shared/traces/automerge-paper.json.gz';
const RUNS = 3;
const APPENDS = 20_000;
const DOCS = 10;
const PER_TURN = 20;
const SEQUENTIAL = 2_000;

const print = (line = ''): void => void process.stdout.write(`${line}\n`);
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const fmt = (n: number, digits = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function withDir<T>(run: (path: string) => Promise<T>): Promise<T> {
  const path = await mkdtemp(join(tmpdir(), 'quire-bench-'));
  try {
    return await run(path);
  } finally {
    await rm(path, { recursive: true, force: true });
  }
}

function dirBytes(path: string): number {
  return Number(execFileSync('du', ['-sb', path], { encoding: 'utf8' }).split('\t')[0]);
}

/** One-character insertions into several documents: keystroke-sized Yjs updates. */
function keystrokes(count: number): Array<{ name: string; update: Uint8Array }> {
  const docs = Array.from({ length: DOCS }, (_, i) => ({ name: `bench/doc-${i}`, doc: new Y.Doc() }));
  const out: Array<{ name: string; update: Uint8Array }> = [];
  for (let i = 0; i < count; i++) {
    const { name, doc } = docs[i % DOCS]!;
    doc.once('update', (update: Uint8Array) => out.push({ name, update }));
    const text = doc.getText('text');
    text.insert((i * 7919) % (text.length + 1), 'abcdefghij'[i % 10]!);
  }
  return out;
}

/** Appends issued PER_TURN per event-loop turn without waiting for acks (many typists at once). */
async function pipelined(sync: boolean, updates: Array<{ name: string; update: Uint8Array }>): Promise<{ rate: number; perBatch: number }> {
  return withDir(async (path) => {
    const store = await LevelDbStore.open({ path, sync });
    const started = performance.now();
    const acks: Promise<void>[] = [];
    for (let i = 0; i < updates.length; i += PER_TURN) {
      for (const { name, update } of updates.slice(i, i + PER_TURN)) acks.push(store.append(name, update));
      await nextTurn();
    }
    await Promise.all(acks);
    const seconds = (performance.now() - started) / 1000;
    const { groupBatches } = store.writeStats();
    await store.close();
    return { rate: updates.length / seconds, perBatch: updates.length / groupBatches };
  });
}

/** One append at a time, each awaited: the latency of one acknowledged write. */
async function sequential(sync: boolean, updates: Array<{ name: string; update: Uint8Array }>): Promise<number> {
  return withDir(async (path) => {
    const store = await LevelDbStore.open({ path, sync });
    const started = performance.now();
    for (const { name, update } of updates) await store.append(name, update);
    const seconds = (performance.now() - started) / 1000;
    await store.close();
    return updates.length / seconds;
  });
}

function traceUpdates(): { updates: Uint8Array[]; endContent: string; encodedBytes: number } {
  type Trace = { txns: Array<{ patches: Array<[number, number, string]> }>; endContent: string };
  const trace = JSON.parse(gunzipSync(readFileSync(TRACE)).toString('utf8')) as Trace;
  const doc = new Y.Doc();
  const text = doc.getText('text');
  const updates: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => updates.push(update));
  for (const txn of trace.txns) {
    for (const [pos, deleteCount, insert] of txn.patches) {
      doc.transact(() => {
        if (deleteCount > 0) text.delete(pos, deleteCount);
        if (insert.length > 0) text.insert(pos, insert);
      });
    }
  }
  if (text.toString() !== trace.endContent) throw new Error('replaying the trace did not give its endContent');
  return { updates, endContent: trace.endContent, encodedBytes: Y.encodeStateAsUpdate(doc).byteLength };
}

async function store(path: string, updates: Uint8Array[], options: Partial<LevelDbStoreOptions>, perTurn: number): Promise<number> {
  const s = await LevelDbStore.open({ path, ...options });
  const started = performance.now();
  const acks: Promise<void>[] = [];
  for (let i = 0; i < updates.length; i += perTurn) {
    for (const update of updates.slice(i, i + perTurn)) acks.push(s.append('paper', update));
    await nextTurn();
  }
  await Promise.all(acks);
  await s.whenIdle();
  const ms = performance.now() - started;
  await s.close();
  return ms;
}

/** Open the store, load the document, apply it to a fresh Y.Doc, check its text. */
async function coldLoad(path: string, endContent: string): Promise<{ loadMs: number; applyMs: number; records: number }> {
  const started = performance.now();
  const s = await LevelDbStore.open({ path });
  const updates = await s.load('paper');
  const loaded = performance.now();
  const doc = new Y.Doc();
  doc.transact(() => {
    for (const update of updates) Y.applyUpdate(doc, update);
  });
  const applied = performance.now();
  if (doc.getText('text').toString() !== endContent) throw new Error('loaded text differs from endContent');
  await s.close();
  return { loadMs: loaded - started, applyMs: applied - loaded, records: updates.length };
}

/**
 * The first open after the writing process closed also replays LevelDB's write-ahead log (up to
 * its 4 MB write buffer) into a table file: reported apart from the median of the next runs.
 */
async function coldLoads(label: string, path: string, endContent: string): Promise<void> {
  const first = await coldLoad(path, endContent);
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await coldLoad(path, endContent));
  const load = median(runs.map((r) => r.loadMs));
  const apply = median(runs.map((r) => r.applyMs));
  const total = median(runs.map((r) => r.loadMs + r.applyMs));
  print(
    `  ${label}: ${fmt(total)} ms (open + read ${fmt(load)} ms, apply ${fmt(apply)} ms); ` +
      `first open after writing ${fmt(first.loadMs + first.applyMs)} ms; ${fmt(first.records)} records; data dir ${fmt(dirBytes(path) / 1024)} KiB`,
  );
}

async function main(): Promise<void> {
  print(`quire LevelDB store benchmark (Node ${process.version}, medians of ${RUNS} runs)`);
  print();
  const updates = keystrokes(APPENDS);
  const avg = updates.reduce((sum, u) => sum + u.update.byteLength, 0) / updates.length;
  print(`Acknowledged appends/s: ${fmt(APPENDS)} keystroke updates (avg ${fmt(avg, 1)} bytes) over ${DOCS} documents`);
  // Warm-up (JIT) so the first measured mode is not penalised.
  await pipelined(false, updates);
  await sequential(false, updates.slice(0, SEQUENTIAL));
  for (const sync of [false, true]) {
    const runs = [];
    for (let i = 0; i < RUNS; i++) runs.push(await pipelined(sync, updates));
    const seq = [];
    for (let i = 0; i < RUNS; i++) seq.push(await sequential(sync, updates.slice(0, SEQUENTIAL)));
    print(
      `  sync ${String(sync).padEnd(5)}  ${PER_TURN} issued per turn: ${fmt(median(runs.map((r) => r.rate))).padStart(7)} appends/s ` +
        `(${fmt(median(runs.map((r) => r.perBatch)), 1)} per batch)   ` +
        `one at a time, awaited: ${fmt(median(seq)).padStart(6)} appends/s (${fmt(1000 / median(seq), 2)} ms each)`,
    );
  }
  print();

  print(`Real trace: ${TRACE}`);
  const started = performance.now();
  const trace = traceUpdates();
  const traceBytes = trace.updates.reduce((sum, u) => sum + u.byteLength, 0);
  print(
    `  ${fmt(trace.updates.length)} updates (${fmt(traceBytes / 1024)} KiB), generated in ${fmt(performance.now() - started)} ms; ` +
      `final document encodes to ${fmt(trace.encodedBytes / 1024)} KiB`,
  );

  await withDir(async (path) => {
    const ms = await store(path, trace.updates, { compactAfterUpdates: Infinity, compactAfterBytes: Infinity }, 1000);
    print(`  stored without compaction (1,000 appends per turn) in ${fmt(ms)} ms`);
    print('Cold load (open store + load + apply to a new Y.Doc):');
    await coldLoads('before compaction', path, trace.endContent);
    const s = await LevelDbStore.open({ path });
    const compactStarted = performance.now();
    await s.compact('paper');
    const compactMs = performance.now() - compactStarted;
    await s.close();
    print(`  compact() of all ${fmt(trace.updates.length)} updates took ${fmt(compactMs)} ms`);
    await coldLoads('after compaction ', path, trace.endContent);
  });

  await withDir(async (path) => {
    const ms = await store(path, trace.updates, {}, 100);
    print(`  stored live with default automatic compaction (100 appends per turn) in ${fmt(ms)} ms:`);
    await coldLoads('live-compacted   ', path, trace.endContent);
  });
}

await main();
