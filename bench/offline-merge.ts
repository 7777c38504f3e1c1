/**
 * A client returns with 10,000 offline edits to a document others changed meanwhile: how long the
 * merge takes and how many bytes cross the wire, against the size of what each side lacked.
 *
 *   npx tsx bench/offline-merge.ts [--edits 10000] [--others 1000] [--runs 3]
 *
 * Two ways back: the same provider reconnecting (document and queue in memory), and a reload: a
 * new provider that first restores the document and the 10,000 pending edits from the file store.
 * Bytes are counted on the returning client's engine.io connection (every packet it sends and
 * receives, attachments included), from the reconnect until its edits are acknowledged and both
 * replicas are equal. Prints the median of the runs.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Manager } from 'socket.io-client';
import * as Y from 'yjs';
import { QuireProvider } from '../client/index.js';
import { FileOfflineStore } from '../client/offline/file-store.js';
import { createServer } from '../server/index.js';
import { createRng } from './lib/rng.js';

const { values } = parseArgs({
  options: {
    edits: { type: 'string', default: '10000' },
    others: { type: 'string', default: '1000' },
    runs: { type: 'string', default: '3' },
  },
});
const offlineEdits = Number(values.edits);
const othersEdits = Number(values.others);
const runs = Number(values.runs);

/** Typing: mostly single-character inserts near a moving cursor, some backspaces; one transaction each. */
function type(doc: Y.Doc, count: number, seed: number): void {
  const random = createRng(seed); // seeded: every run makes the same edits
  const text = doc.getText('text');
  let cursor = Math.floor(random() * text.length);
  for (let i = 0; i < count; i++) {
    if (random() < 0.05) cursor = Math.floor(random() * (text.length + 1));
    cursor = Math.min(cursor, text.length);
    if (random() < 0.15 && cursor > 0) {
      text.delete(cursor - 1, 1);
      cursor--;
    } else {
      text.insert(cursor, String.fromCharCode(97 + Math.floor(random() * 26)));
      cursor++;
    }
  }
}

interface Traffic {
  sent: number;
  received: number;
}

/** Counts the bytes of every engine.io packet of one Manager (text length, or attachment size). */
function countTraffic(manager: Manager): Traffic {
  const traffic: Traffic = { sent: 0, received: 0 };
  const size = (data: unknown) =>
    typeof data === 'string' ? Buffer.byteLength(data) : data instanceof ArrayBuffer || ArrayBuffer.isView(data) ? data.byteLength : 0;
  manager.on('open', () => {
    manager.engine.on('packetCreate', (packet: { data?: unknown }) => (traffic.sent += size(packet.data) + 1));
    manager.engine.on('packet', (packet: { data?: unknown }) => (traffic.received += size(packet.data) + 1));
  });
  return traffic;
}

/** Polls every millisecond: a tighter loop would compete with the I/O it waits for. */
const until = (condition: () => boolean) =>
  new Promise<void>((resolve) => {
    const check = () => (condition() ? resolve() : setTimeout(check, 1));
    check();
  });

interface RunResult {
  mergeMs: number;
  sent: number;
  received: number;
  serverLacked: number;
  clientLacked: number;
  offlineUpdateBytes: number;
  restoreMs: number | null;
}

async function run(seed: number, reload: boolean): Promise<RunResult> {
  const server = createServer({ unloadGraceMs: 60_000 });
  const { url } = await server.listen(0, '127.0.0.1');
  const docName = `offline-merge-${seed}`;
  const offlineDir = await mkdtemp(join(tmpdir(), 'quire-bench-'));

  const other = new Y.Doc();
  const otherProvider = new QuireProvider(url, docName, other);
  await otherProvider.whenSynced();
  type(other, 2_000, seed); // the shared starting text
  await until(() => otherProvider.pendingCount === 0);

  const returning = new Y.Doc();
  let store = new FileOfflineStore({ directory: offlineDir, fsync: false });
  let manager = new Manager(url, { autoConnect: false });
  let traffic = countTraffic(manager);
  let provider = new QuireProvider(url, docName, returning, { offline: store, manager });
  await provider.whenSynced();
  provider.disconnect();

  let offlineUpdateBytes = 0;
  const onOffline = (update: Uint8Array, origin: unknown) => {
    if (origin !== provider) offlineUpdateBytes += update.byteLength;
  };
  returning.on('update', onOffline);
  type(returning, offlineEdits, seed + 1);
  returning.off('update', onOffline);
  if (provider.pendingCount !== offlineEdits) throw new Error(`${provider.pendingCount} pending edits`);
  type(other, othersEdits, seed + 2);
  await until(() => otherProvider.pendingCount === 0);

  const serverDoc = (await server.registry.peek(docName))!.ydoc;
  const serverLacked = Y.encodeStateAsUpdate(returning, Y.encodeStateVector(serverDoc)).byteLength;
  const clientLacked = Y.encodeStateAsUpdate(serverDoc, Y.encodeStateVector(returning)).byteLength;

  let doc = returning;
  let restoreMs: number | null = null;
  let started: number;
  if (reload) {
    await provider.whenStored();
    provider.destroy();
    await store.close();
    manager = new Manager(url, { autoConnect: false });
    traffic = countTraffic(manager);
    started = performance.now();
    store = new FileOfflineStore({ directory: offlineDir, fsync: false });
    doc = new Y.Doc();
    provider = new QuireProvider(url, docName, doc, { offline: store, manager });
    await provider.whenRestored();
    restoreMs = performance.now() - started;
    if (provider.pendingCount !== offlineEdits) throw new Error(`restored ${provider.pendingCount} pending edits`);
  } else {
    // Count only what the return costs.
    traffic.sent = 0;
    traffic.received = 0;
    started = performance.now();
    provider.connect();
  }
  await until(
    () =>
      provider.synced &&
      provider.pendingCount === 0 &&
      otherProvider.pendingCount === 0 &&
      Buffer.compare(Y.encodeStateVector(doc), Y.encodeStateVector(other)) === 0 &&
      doc.getText('text').toString() === other.getText('text').toString(),
  );
  const mergeMs = performance.now() - started;

  provider.destroy();
  otherProvider.destroy();
  await store.close();
  await server.close();
  await rm(offlineDir, { recursive: true, force: true });
  return { mergeMs, sent: traffic.sent, received: traffic.received, serverLacked, clientLacked, offlineUpdateBytes, restoreMs };
}

const median = (numbers: number[]) => [...numbers].sort((a, b) => a - b)[Math.floor(numbers.length / 2)]!;
const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

for (const reload of [false, true]) {
  const results: RunResult[] = [];
  for (let i = 0; i < runs; i++) results.push(await run(1000 + i, reload));
  const pick = (key: keyof RunResult) => median(results.map((result) => result[key] ?? 0));
  const lines = [
    `${reload ? 'reload from the file store, then reconnect' : 'reconnect'}: ${offlineEdits} offline edits, ${othersEdits} by others meanwhile (median of ${runs})`,
    `  merge time            ${pick('mergeMs').toFixed(1)} ms${reload ? ` (restore ${pick('restoreMs').toFixed(1)} ms of it)` : ''}`,
    `  bytes sent            ${kib(pick('sent'))}   server lacked ${kib(pick('serverLacked'))}   (the ${offlineEdits} updates one by one: ${kib(pick('offlineUpdateBytes'))})`,
    `  bytes received        ${kib(pick('received'))}   client lacked ${kib(pick('clientLacked'))}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
