/**
 * `npm run bench -- [workload...] [--peers quire,y-websocket,...] [--quick] [--option value ...]`
 * `npm run bench -- cluster-latency` / `npm run bench -- cluster-throughput [--docs 60] [--seconds 15]`:
 * the cluster benchmarks (several node processes on a private PostgreSQL and Redis), run alone.
 * Runs each workload against each server (each server in its own child process, every client in
 * this one process), prints a table with quire/peer ratios, and writes bench/results/latest.json and
 * bench/results/fanout-latency.svg.
 */
import './lib/yjs-guard.js';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { loadAdapter } from './adapters/index.js';
import { parseOptions, type BenchOptions } from './lib/options.js';
import { renderTable, type PeerOutcome, type WorkloadReport } from './lib/report.js';
import { fanoutLatencySvg, type Series } from './lib/svg-chart.js';
import { assertSingleYjs } from './lib/yjs-guard.js';
import { WORKLOADS } from './workloads/index.js';
import { profileConnections, profileFanout, profilePresence, profileTrace } from './workloads/profile.js';

const out = (text: string): void => void process.stdout.write(`${text}\n`);
const log = (text: string): void => void process.stderr.write(`${text}\n`);

interface ResultsFile {
  date: string;
  machine: Record<string, unknown>;
  workloads: Record<string, WorkloadReport & { options: BenchOptions; date: string; loadAverage: { before: number[]; after: number[] } }>;
}

function machine(): Record<string, unknown> {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
  };
}

async function readPrevious(path: string): Promise<ResultsFile | null> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as ResultsFile;
  } catch {
    return null;
  }
}

function fanoutSeries(report: WorkloadReport, options: BenchOptions): Series[] {
  return options.peers.flatMap((peer) => {
    const outcome = report.results[peer];
    if (outcome === undefined || 'error' in outcome) return [];
    const points = options.fanoutClients.map((n): [number, number, number] => [
      n,
      outcome.values[`p50@${n}`] ?? Number.NaN,
      outcome.values[`p99@${n}`] ?? Number.NaN,
    ]);
    return [{ peer, points }];
  });
}

/** Benchmarks that start a whole cluster of their own and print their own table. */
const CLUSTER_BENCHMARKS: Record<string, () => Promise<unknown>> = {
  'cluster-latency': () => import('./cluster-latency.js'),
  'cluster-throughput': () => import('./cluster-throughput.js'),
};

async function main(): Promise<void> {
  const cluster = CLUSTER_BENCHMARKS[process.argv[2] ?? ''];
  if (cluster !== undefined) {
    await cluster();
    return;
  }
  const resultsDir = fileURLToPath(new URL('./results/', import.meta.url));
  const options = parseOptions(process.argv.slice(2), [...WORKLOADS.map((w) => w.name), 'profile'], resultsDir);
  // `profile` runs only when asked for: it measures where time goes, not how the servers compare.
  if (!process.argv.slice(2).includes('profile')) options.workloads = options.workloads.filter((w) => w !== 'profile');
  // Thousands of providers each add an 'exit' listener; that is the peers' design, not a leak here.
  process.setMaxListeners(0);

  const adapters = new Map<string, Awaited<ReturnType<typeof loadAdapter>>>();
  const loadFailures = new Map<string, string>();
  for (const peer of options.peers) {
    try {
      adapters.set(peer, await loadAdapter(peer));
    } catch (error) {
      loadFailures.set(peer, error instanceof Error ? error.message : String(error));
      log(`${peer}: adapter unavailable (${loadFailures.get(peer)})`);
    }
  }
  assertSingleYjs();

  await mkdir(resultsDir, { recursive: true });
  const latestPath = `${resultsDir}latest.json`;
  const results: ResultsFile = (await readPrevious(latestPath)) ?? { date: '', machine: {}, workloads: {} };
  results.date = new Date().toISOString();
  results.machine = machine();

  for (const workload of WORKLOADS.filter((w) => options.workloads.includes(w.name))) {
    log(`# ${workload.title}`);
    // Other work on the machine skews every figure: record how busy it was.
    const loadBefore = os.loadavg();
    const report: WorkloadReport = { name: workload.name, title: workload.title, figures: workload.figures(options), results: {} };
    for (const peer of options.peers) {
      const adapter = adapters.get(peer);
      let outcome: PeerOutcome;
      if (adapter === undefined) {
        outcome = { error: `adapter unavailable: ${loadFailures.get(peer)}` };
      } else {
        log(`- ${peer}`);
        const started = performance.now();
        try {
          outcome = await workload.run({ peer, adapter, options, log: (m) => log(m) });
        } catch (error) {
          outcome = { error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
          log(`  failed: ${(outcome as { error: string }).error}`);
        }
        log(`  (${((performance.now() - started) / 1000).toFixed(1)} s)`);
      }
      report.results[peer] = outcome;
    }
    out(renderTable(report, options.peers));
    out(
      `  (load average before/after: ${loadBefore.map((l) => l.toFixed(1)).join(' ')} / ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}, ${os.cpus().length} cores)`,
    );
    out('');
    results.workloads[workload.name] = { ...report, options, date: results.date, loadAverage: { before: loadBefore, after: os.loadavg() } };
    if (workload.name === 'fanout') {
      const svg = fanoutLatencySvg(
        fanoutSeries(report, options),
        `Fan-out delivery latency, ${options.rate} updates/s from ${options.fanoutWriters} writers`,
      );
      await writeFile(`${resultsDir}fanout-latency.svg`, svg);
    }
    await writeFile(latestPath, `${JSON.stringify(results, null, 2)}\n`);
  }
  if (options.workloads.includes('profile')) {
    for (const peer of options.peers) {
      const adapter = adapters.get(peer);
      if (adapter === undefined) continue;
      log(`# CPU profiles of the ${peer} server: fan-out, trace, connections, presence`);
      for (const profile of [profileFanout, profileTrace, profileConnections, profilePresence]) {
        out(await profile({ peer, adapter, options, log }));
        out('');
      }
    }
  }
  out(`results: ${latestPath}`);
}

main().then(
  // Providers of some peers keep timers alive after destroy; the run is over.
  () => process.exit(0),
  (error: unknown) => {
    log(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
