/**
 * Cluster benchmark: what a second node costs.
 *
 *   npm run bench -- cluster-latency
 *
 * - Fan-out latency: one writer types 400 edits at 20 Hz; 8 readers measure edit → arrival.
 *   Same node: writer and readers on node 1. Cross node: writer on node 1, readers on node 2
 *   (node 1 commits to PostgreSQL, publishes on Redis, node 2 applies and relays).
 * - Acknowledgement latency: one writer, edits 50 ms apart, edit → provider 'saved' (durable on
 *   the server): PostgreSQL (cluster node, commit per turn) against LevelDB (`quire --data`).
 * - CPU per delivered update: user+system CPU of the relaying node(s) during the fan-out run,
 *   divided by the updates delivered to readers.
 *
 * Nodes are real CLI processes on a private PostgreSQL 15 (fsync on) and Redis, all on this
 * machine; clients run in this process. Every figure is from one run; run it on a quiet machine.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as Y from 'yjs';
import { QuireProvider } from '../client/index.js';
import { ClusterHarness } from '../test/helpers/cluster/cluster.js';
import { CliProcess } from '../test/helpers/ops/cli-process.js';
import { processCpuMs as cpuMs } from './lib/process-cpu.js';

const print = (line = ''): void => void process.stdout.write(`${line}\n`);
const quantile = (values: number[], q: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const fmt = (ms: number) => ms.toFixed(2);

function client(url: string, docName: string): { doc: Y.Doc; provider: QuireProvider } {
  const doc = new Y.Doc();
  return { doc, provider: new QuireProvider(url, docName, doc, { transports: ['websocket'] }) };
}

async function fanOut(
  writerUrl: string,
  readerUrl: string,
  docName: string,
  relayPids: number[],
): Promise<{ p50: number; p99: number; cpuPerUpdateMs: number }> {
  const writer = client(writerUrl, docName);
  const readers = Array.from({ length: 8 }, () => client(readerUrl, docName));
  await Promise.all([writer, ...readers].map((c) => c.provider.whenSynced()));
  const latencies: number[] = [];
  const sentAt = new Map<number, number>();
  for (const reader of readers) {
    reader.doc.getMap<number>('marks').observe((event) => {
      for (const key of event.keysChanged) {
        const sent = sentAt.get(Number(key));
        if (sent !== undefined) latencies.push(performance.now() - sent);
      }
    });
  }
  const cpuBefore = await Promise.all(relayPids.map(cpuMs));
  const EDITS = 400;
  for (let i = 0; i < EDITS; i++) {
    sentAt.set(i, performance.now());
    writer.doc.getMap<number>('marks').set(String(i), i);
    await sleep(50);
  }
  const deadline = Date.now() + 20_000;
  while (latencies.length < EDITS * readers.length && Date.now() < deadline) await sleep(50);
  const cpuAfter = await Promise.all(relayPids.map(cpuMs));
  const cpu = cpuAfter.reduce((sum, after, i) => sum + after - cpuBefore[i]!, 0);
  for (const c of [writer, ...readers]) c.provider.destroy();
  return { p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99), cpuPerUpdateMs: cpu / Math.max(1, latencies.length) };
}

async function ackLatency(url: string, docName: string): Promise<{ p50: number; p99: number }> {
  const writer = client(url, docName);
  await writer.provider.whenSynced();
  const latencies: number[] = [];
  for (let i = 0; i < 300; i++) {
    const started = performance.now();
    const saved = new Promise<void>((resolve) => writer.provider.once('saved', () => resolve()));
    writer.doc.getText('t').insert(0, 'x');
    await saved;
    latencies.push(performance.now() - started);
    await sleep(50);
  }
  writer.provider.destroy();
  return { p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99) };
}

const harness = await ClusterHarness.start({ nodes: 2, direct: true });
const dataDir = await mkdtemp(join(tmpdir(), 'quire-bench-leveldb-'));
const single = await CliProcess.start(['--data', dataDir, '--rate-updates', '5000/20000']);
try {
  const [node1, node2] = [harness.node(0), harness.node(1)];
  const pid = (node: CliProcess) => node.child.pid!;
  await fanOut(node1.url, node2.url, 'warm-up', [pid(node1), pid(node2)]);
  const sameNode = await fanOut(node1.url, node1.url, 'same-node', [pid(node1)]);
  const crossNode = await fanOut(node1.url, node2.url, 'cross-node', [pid(node1), pid(node2)]);
  const levelDbFanOut = await fanOut(single.url, single.url, 'leveldb-node', [pid(single)]);
  const postgresAck = await ackLatency(node1.url, 'ack-postgres');
  const levelDbAck = await ackLatency(single.url, 'ack-leveldb');
  print('| measure | p50 ms | p99 ms | CPU ms per delivered update |');
  print('|---|---|---|---|');
  print(
    `| fan-out, one LevelDB node (writer and 8 readers on it) | ${fmt(levelDbFanOut.p50)} | ${fmt(levelDbFanOut.p99)} | ${levelDbFanOut.cpuPerUpdateMs.toFixed(3)} |`,
  );
  print(
    `| fan-out, cluster, writer and readers on the same node | ${fmt(sameNode.p50)} | ${fmt(sameNode.p99)} | ${sameNode.cpuPerUpdateMs.toFixed(3)} |`,
  );
  print(
    `| fan-out, cluster, readers on another node | ${fmt(crossNode.p50)} | ${fmt(crossNode.p99)} | ${crossNode.cpuPerUpdateMs.toFixed(3)} (both nodes) |`,
  );
  print(`| acknowledgement, PostgreSQL (cluster node) | ${fmt(postgresAck.p50)} | ${fmt(postgresAck.p99)} | |`);
  print(`| acknowledgement, LevelDB (single node) | ${fmt(levelDbAck.p50)} | ${fmt(levelDbAck.p99)} | |`);
  print(
    `\ncross-node / same-node fan-out p50: ${(crossNode.p50 / sameNode.p50).toFixed(2)}×; PostgreSQL / LevelDB ack p50: ${(postgresAck.p50 / levelDbAck.p50).toFixed(2)}×`,
  );
} finally {
  await single.stop('SIGKILL');
  await rm(dataDir, { recursive: true, force: true });
  await harness.close();
}
