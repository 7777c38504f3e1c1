/**
 * `npm run soak -- [--minutes 30] [--clients 100] [--docs 40] [--hostile 3] [--seed 1]`
 *
 * A long run against one quire server (LevelDB, default limits) in its own process: honest editors
 * connect, type, go offline, leave and come back on many documents, with a stalled reader and a few
 * hostile clients mixed in. It samples the server's memory (heap, external, RSS, after a forced GC)
 * over time, and fails (exit 1) when
 *   - the server's heap + external memory at the end, once everyone has left and the unload grace
 *     has passed, is more than 10 % above the same measure after the warm-up (also everyone gone);
 *   - any edit the server acknowledged is missing after the server is SIGKILLed and restarted;
 *   - documents or connections stay open after everyone has left.
 * Writes every sample to bench/results/soak-latest.json.
 */
import './lib/yjs-guard.js';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRng } from './lib/rng.js';
import { type ServerProcess, startServer } from './lib/server-process.js';
import type { ServerStats } from './servers/ipc.js';
import { Editor, newEditorCounters } from './soak/editor.js';
import { Ledger } from './soak/ledger.js';
import { hostileClient, newMisbehaviourCounters, stalledReader } from './soak/misbehaving.js';
import { readServedTokens } from './soak/verify.js';

const MiB = 1024 * 1024;
const UNLOAD_GRACE_MS = 5_000;
const TOLERANCE = 0.1;

interface SoakOptions {
  minutes: number;
  clients: number;
  docs: number;
  hostile: number;
  seed: number;
}

function parseArgs(argv: string[]): SoakOptions {
  const options: SoakOptions = { minutes: 30, clients: 100, docs: 40, hostile: 3, seed: 1 };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const key = flag.replace(/^--/, '') as keyof SoakOptions;
    const value = Number(argv[++i]);
    if (!(key in options) || !Number.isFinite(value) || value <= 0) {
      throw new Error(
        `soak: unknown option or bad value: ${flag} ${argv[i] ?? ''} (options: --minutes, --clients, --docs, --hostile, --seed)`,
      );
    }
    options[key] = value;
  }
  return options;
}

interface Sample {
  atS: number;
  phase: string;
  heapUsedMiB: number;
  externalMiB: number;
  rssMiB: number;
  docs: number | null;
  connections: number | null;
}

const log = (text: string) => void process.stderr.write(`${text}\n`);
const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const mib = (bytes: number) => Math.round((bytes / MiB) * 100) / 100;
const jsMemory = (stats: ServerStats) => stats.heapUsed + stats.external;

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const totalMs = options.minutes * 60_000;
  const warmupMs = Math.min(120_000, Math.max(15_000, totalMs * 0.1));
  const mainMs = Math.max(totalMs - warmupMs, 15_000);
  const sampleEveryMs = Math.max(5_000, Math.round(totalMs / 60));
  const rng = createRng(options.seed);
  const docNames = Array.from({ length: options.docs }, (_, i) => `soak/doc-${i}`);
  const dataDir = await mkdtemp(join(os.tmpdir(), 'quire-soak-'));
  const serverFile = fileURLToPath(new URL('./soak/server.ts', import.meta.url));
  const env = { SOAK_UNLOAD_GRACE_MS: String(UNLOAD_GRACE_MS) };
  let server: ServerProcess = await startServer('quire', { dataDir, serverFile, env });
  const started = performance.now();
  const samples: Sample[] = [];
  const sample = async (phase: string, gc = true): Promise<ServerStats> => {
    const stats = await server.stats({ gc });
    const entry: Sample = {
      atS: Math.round((performance.now() - started) / 1000),
      phase,
      heapUsedMiB: mib(stats.heapUsed),
      externalMiB: mib(stats.external),
      rssMiB: mib(stats.rss),
      docs: stats.docs,
      connections: stats.connections,
    };
    samples.push(entry);
    log(
      `${String(entry.atS).padStart(6)} s  ${phase.padEnd(10)} heap ${entry.heapUsedMiB.toFixed(1).padStart(7)} MiB  external ${entry.externalMiB.toFixed(1).padStart(6)} MiB  rss ${entry.rssMiB.toFixed(1).padStart(7)} MiB  docs ${stats.docs}  connections ${stats.connections}`,
    );
    return stats;
  };
  log(
    `soak: ${options.minutes} min, ${options.clients} editors on ${options.docs} documents, 1 stalled reader, ${options.hostile} hostile clients, seed ${options.seed}; data in ${dataDir}`,
  );
  await sample('boot');

  const ledger = new Ledger();
  const editorCounters = newEditorCounters();
  const misbehaviour = newMisbehaviourCounters();

  /** One round of load: everyone joins, works for `ms`, then everyone leaves. */
  const round = async (phase: string, ms: number): Promise<void> => {
    let running = true;
    const editors = Array.from(
      { length: options.clients },
      (_, i) =>
        new Editor({
          id: `${phase[0]}${i}`,
          url: server.url,
          docNames,
          rng: createRng(options.seed * 1000 + i + (phase === 'load' ? 500 : 0)),
          ledger,
          counters: editorCounters,
        }),
    );
    // Arrivals spread over the first seconds, as people do.
    for (const editor of editors) {
      editor.start();
      await delay(20);
    }
    const bad = [
      stalledReader(server.url, docNames[0]!, () => running, misbehaviour),
      ...Array.from({ length: options.hostile }, (_, i) =>
        hostileClient(server.url, docNames, createRng(options.seed * 7 + i), () => running, misbehaviour),
      ),
    ];
    const end = Date.now() + ms;
    while (Date.now() < end) {
      await delay(Math.min(sampleEveryMs, end - Date.now()));
      if (Date.now() < end || phase === 'load') await sample(phase);
    }
    running = false;
    for (const editor of editors) editor.stop();
    await Promise.all(bad);
  };

  /** After everyone left: wait for the server to unload everything, then measure. */
  const settle = async (phase: string): Promise<{ stats: ServerStats; emptied: boolean }> => {
    const deadline = Date.now() + UNLOAD_GRACE_MS + 90_000;
    let stats = await server.stats();
    while ((stats.docs !== 0 || stats.connections !== 0) && Date.now() < deadline) {
      await delay(500);
      stats = await server.stats();
    }
    const emptied = stats.docs === 0 && stats.connections === 0;
    await delay(2_000);
    return { stats: await sample(phase), emptied };
  };

  await round('warmup', warmupMs);
  const start = await settle('start');
  await round('load', mainMs);
  const end = await settle('end');

  // Acknowledged means durable: check from disk, after a SIGKILL.
  await server.kill();
  server = await startServer('quire', { dataDir, serverFile, env });
  let missing = 0;
  let checked = 0;
  for (const docName of ledger.documents()) {
    const served = await readServedTokens(server.url, docName);
    const gone = ledger.missing(docName, served);
    checked += served.length;
    if (gone.length > 0) log(`MISSING in ${docName}: ${gone.length} acknowledged edits, e.g. ${gone.slice(0, 5).join(', ')}`);
    missing += gone.length;
  }
  await server.stop();
  await rm(dataDir, { recursive: true, force: true });

  const startBytes = jsMemory(start.stats);
  const endBytes = jsMemory(end.stats);
  const growth = endBytes / startBytes - 1;
  const peak = samples.reduce((max, s) => Math.max(max, s.heapUsedMiB + s.externalMiB), 0);
  const peakRss = samples.reduce((max, s) => Math.max(max, s.rssMiB), 0);
  const notices = Object.fromEntries([...editorCounters.notices].sort());
  const summary = {
    date: new Date().toISOString(),
    options,
    machine: { cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, node: process.version, loadAverage: os.loadavg() },
    memory: {
      startHeapPlusExternalMiB: mib(startBytes),
      endHeapPlusExternalMiB: mib(endBytes),
      growthPercent: Math.round(growth * 1000) / 10,
      peakHeapPlusExternalMiB: Math.round(peak * 100) / 100,
      startRssMiB: mib(start.stats.rss),
      endRssMiB: mib(end.stats.rss),
      peakRssMiB: peakRss,
    },
    edits: { made: ledger.edits, acknowledged: ledger.acknowledgedCount, checkedAfterRestart: checked, missing },
    editors: { joins: editorCounters.joins, leaves: editorCounters.leaves, offlineSpells: editorCounters.offlineSpells, notices },
    misbehaviour,
    emptied: { afterWarmup: start.emptied, afterLoad: end.emptied },
    samples,
  };
  const resultsDir = fileURLToPath(new URL('./results/', import.meta.url));
  await mkdir(resultsDir, { recursive: true });
  await writeFile(join(resultsDir, 'soak-latest.json'), `${JSON.stringify(summary, null, 2)}\n`);

  const failures: string[] = [];
  if (growth > TOLERANCE)
    failures.push(`server memory (heap + external) grew ${summary.memory.growthPercent} % (limit ${TOLERANCE * 100} %)`);
  if (missing > 0) failures.push(`${missing} acknowledged edits are missing`);
  if (!start.emptied || !end.emptied) failures.push('documents or connections stayed open after everyone left');
  if (ledger.acknowledgedCount === 0) failures.push('no edit was acknowledged: the run measured nothing');
  const out = (text: string) => void process.stdout.write(`${text}\n`);
  out(
    `soak ${options.minutes} min: ${ledger.edits} edits, ${ledger.acknowledgedCount} acknowledged, ${missing} missing after SIGKILL + restart`,
  );
  out(
    `  editors: ${editorCounters.joins} joins, ${editorCounters.leaves} leaves, ${editorCounters.offlineSpells} offline spells; notices ${JSON.stringify(notices)}`,
  );
  out(
    `  stalled reader: ${misbehaviour.stalls} stalls, dropped by the server ${misbehaviour.stalledDrops} times; hostile: ${misbehaviour.hostileConnects} connections, ${misbehaviour.hostileRefusals} refused, ${misbehaviour.hostileClosed} closed by the server`,
  );
  out(
    `  server heap+external: start ${summary.memory.startHeapPlusExternalMiB} MiB, end ${summary.memory.endHeapPlusExternalMiB} MiB (${summary.memory.growthPercent >= 0 ? '+' : ''}${summary.memory.growthPercent} %), peak ${summary.memory.peakHeapPlusExternalMiB} MiB`,
  );
  out(`  server RSS: start ${summary.memory.startRssMiB} MiB, end ${summary.memory.endRssMiB} MiB, peak ${peakRss} MiB`);
  out(failures.length === 0 ? 'PASS' : `FAIL: ${failures.join('; ')}`);
  process.exitCode = failures.length === 0 ? 0 : 1;
}

await main();
