/**
 * Cluster benchmark: what 1, 2 and 3 nodes deliver on many documents, against Hocuspocus scaled
 * with its Redis extension on the same workload.
 *
 *   npm run bench -- cluster-throughput [--docs 60] [--seconds 15]
 *
 * Workload: `docs` documents with 4 clients each, the clients of a document spread over the nodes
 * (client j of document d on node (d + j) mod N, as a sticky balancer would leave them), so with
 * two or more nodes every edit crosses nodes. On every document, one client edits and waits until
 * the 3 others have it, then edits again (closed loop): edits delivered to every client per
 * second is the throughput, and the loop's round time its latency. CPU is the user+system time of
 * the server processes during the measured window, per delivered edit.
 *
 * quire: real CLI nodes on a private PostgreSQL 15 (fsync on) and Redis. Hocuspocus 3.x: one
 * process per node with @hocuspocus/extension-redis and the Database extension on the same
 * PostgreSQL. Everything (servers, PostgreSQL, Redis and every client) shares this machine.
 */
import './lib/yjs-guard.js';
import { loadAdapter } from './adapters/index.js';
import type { Adapter, BenchClient } from './adapters/types.js';
import { destroyAll } from './lib/clients.js';
import { cpuDuring } from './lib/process-cpu.js';
import { startServer } from './lib/server-process.js';
import { percentile } from './lib/stats.js';
import { sleep } from './lib/wait.js';
import { ClusterHarness } from '../test/helpers/cluster/cluster.js';

const print = (line = ''): void => void process.stdout.write(`${line}\n`);
const log = (line: string): void => void process.stderr.write(`${line}\n`);

const CLIENTS_PER_DOC = 4;
const WARM_UP_MS = 3000;
const ROUND_TIMEOUT_MS = 10_000;

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
}

interface Outcome {
  editsPerSecond: number;
  p50: number;
  p99: number;
  cpuMsPerEdit: number;
  stalls: number;
}

/** One document's closed loop: edit, wait until every other client has it, repeat. */
async function loop(
  writer: BenchClient,
  readers: BenchClient[],
  until: () => boolean,
  rounds: { at: number; ms: number }[],
  stalls: { count: number },
): Promise<void> {
  const marks = writer.doc.getMap<number>('marks');
  let waiting: { key: string; seen: number; done: () => void } | null = null;
  for (const reader of readers) {
    reader.doc.getMap<number>('marks').observe((event) => {
      if (waiting !== null && event.keysChanged.has(waiting.key) && ++waiting.seen === readers.length) waiting.done();
    });
  }
  for (let i = 0; !until(); i++) {
    const started = performance.now();
    const delivered = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), ROUND_TIMEOUT_MS);
      waiting = {
        key: String(i),
        seen: 0,
        done: () => {
          clearTimeout(timer);
          resolve(true);
        },
      };
    });
    marks.set(String(i), i);
    if (!(await delivered)) stalls.count++;
    else rounds.push({ at: performance.now(), ms: performance.now() - started });
  }
}

async function connectAll(adapter: Adapter, urls: string[], docs: number, prefix: string): Promise<BenchClient[][]> {
  const groups: BenchClient[][] = [];
  for (let d = 0; d < docs; d++) {
    const group = Array.from({ length: CLIENTS_PER_DOC }, (_, j) =>
      adapter.connect(urls[(d + j) % urls.length]!, `${prefix}-${d}`, { noPresence: true }),
    );
    groups.push(group);
    // A few documents at a time: a join storm is another benchmark.
    if (d % 10 === 9)
      await Promise.all(
        groups
          .slice(-10)
          .flat()
          .map((c) => c.whenSynced()),
      );
  }
  await Promise.all(groups.flat().map((c) => c.whenSynced()));
  return groups;
}

async function measure(adapter: Adapter, urls: string[], pids: number[], prefix: string, docs: number, seconds: number): Promise<Outcome> {
  const groups = await connectAll(adapter, urls, docs, prefix);
  try {
    const rounds: { at: number; ms: number }[] = [];
    const stalls = { count: 0 };
    const start = performance.now();
    const end = start + WARM_UP_MS + seconds * 1000;
    const loops = groups.map(([writer, ...readers]) => loop(writer!, readers, () => performance.now() >= end, rounds, stalls));
    await sleep(WARM_UP_MS);
    const windowStart = performance.now();
    const { cpuMs } = await cpuDuring(pids, () => sleep(seconds * 1000));
    const windowEnd = performance.now();
    await Promise.all(loops);
    const counted = rounds.filter((r) => r.at >= windowStart && r.at <= windowEnd);
    const latencies = counted.map((r) => r.ms);
    return {
      editsPerSecond: counted.length / ((windowEnd - windowStart) / 1000),
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      cpuMsPerEdit: cpuMs / Math.max(1, counted.length),
      stalls: stalls.count,
    };
  } finally {
    destroyAll(groups.flat());
  }
}

const docs = option('docs', 60);
const seconds = option('seconds', 15);
const [quire, hocuspocus] = await Promise.all([loadAdapter('quire'), loadAdapter('hocuspocus')]);
const harness = await ClusterHarness.start({ nodes: 3, direct: true });
const results: { nodes: number; quire: Outcome; hocuspocus: Outcome }[] = [];
try {
  for (const count of [1, 2, 3]) {
    const nodes = harness.nodes.slice(0, count).map((_, i) => harness.node(i));
    log(`quire, ${count} node(s)…`);
    const quireOutcome = await measure(
      quire,
      nodes.map((n) => n.url),
      nodes.map((n) => n.child.pid!),
      `q${count}`,
      docs,
      seconds,
    );
    log(`hocuspocus + Redis, ${count} instance(s)…`);
    const env = { QUIRE_BENCH_REDIS: harness.redis.url, QUIRE_BENCH_POSTGRES: harness.postgres.url };
    const serverFile = new URL('./servers/hocuspocus-redis.ts', import.meta.url).pathname;
    const instances = [];
    for (let i = 0; i < count; i++) instances.push(await startServer('hocuspocus', { serverFile, env }));
    try {
      const hpOutcome = await measure(
        hocuspocus,
        instances.map((s) => s.url),
        instances.map((s) => s.pid),
        `h${count}`,
        docs,
        seconds,
      );
      results.push({ nodes: count, quire: quireOutcome, hocuspocus: hpOutcome });
    } finally {
      await Promise.all(instances.map((s) => s.kill()));
    }
  }
} finally {
  await harness.close();
}

const f = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
print(`${docs} documents × ${CLIENTS_PER_DOC} clients, ${seconds} s measured per run, one closed loop per document`);
print();
print(
  '| nodes | quire edits/s | Hocuspocus+Redis edits/s | quire / Hocuspocus | quire round p50 / p99 ms | Hocuspocus round p50 / p99 ms | CPU ms per edit, quire / Hocuspocus |',
);
print('|---|---|---|---|---|---|---|');
for (const { nodes, quire: q, hocuspocus: h } of results) {
  print(
    `| ${nodes} | ${f(q.editsPerSecond)} | ${f(h.editsPerSecond)} | ${f(q.editsPerSecond / h.editsPerSecond, 2)}× | ${f(q.p50, 1)} / ${f(q.p99, 1)} | ${f(h.p50, 1)} / ${f(h.p99, 1)} | ${f(q.cpuMsPerEdit, 2)} / ${f(h.cpuMsPerEdit, 2)} |`,
  );
}
const one = results[0]!;
print();
print(
  `quire, N nodes / 1 node: ${results.map((r) => `${r.nodes}: ${f(r.quire.editsPerSecond / one.quire.editsPerSecond, 2)}×`).join(', ')}`,
);
print(
  `Hocuspocus+Redis, N / 1: ${results.map((r) => `${r.nodes}: ${f(r.hocuspocus.editsPerSecond / one.hocuspocus.editsPerSecond, 2)}×`).join(', ')}`,
);
const stalled = results
  .flatMap((r) => [
    r.quire.stalls > 0 ? `quire ${r.nodes}: ${r.quire.stalls}` : '',
    r.hocuspocus.stalls > 0 ? `Hocuspocus ${r.nodes}: ${r.hocuspocus.stalls}` : '',
  ])
  .filter(Boolean);
if (stalled.length > 0) print(`rounds not delivered within ${ROUND_TIMEOUT_MS / 1000} s: ${stalled.join(', ')}`);
