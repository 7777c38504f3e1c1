/**
 * Restart → synced for a large stored document: writes the automerge-paper trace (259,778 edits)
 * into a LevelDB data directory with the store's default compaction, then starts a server process
 * on it three times and times a new client from "listening" to synced.
 *
 *   npx tsx bench/restart-to-synced.ts
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as Y from 'yjs';
import { LevelDbStore } from '../server/persistence/leveldb-store.js';
import { connectSynced, destroyClients } from '../test/helpers/clients.js';
import { startServerProcess } from '../test/helpers/server-process.js';
import { applyPatch, loadAutomergePaperTrace, tracePatches } from '../test/helpers/trace.js';

const RUNS = 3;
const dataDir = await mkdtemp(join(tmpdir(), 'quire-restart-'));
try {
  const store = await LevelDbStore.open({ path: dataDir });
  const doc = new Y.Doc();
  const text = doc.getText('text');
  let writes: Promise<void>[] = [];
  doc.on('update', (update: Uint8Array) => writes.push(store.append('paper', update)));
  let edits = 0;
  for (const patch of tracePatches(loadAutomergePaperTrace())) {
    applyPatch(text, patch);
    if (++edits % 500 === 0) {
      await Promise.all(writes);
      writes = [];
    }
  }
  await Promise.all(writes);
  await store.whenIdle();
  await store.close();

  const timings: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const server = await startServerProcess({ dataDir });
    const started = performance.now();
    const client = await connectSynced(server.url, 'paper', { transports: ['websocket'] });
    timings.push(performance.now() - started);
    if (client.doc.getText('text').toString() !== text.toString()) throw new Error('restored text differs');
    destroyClients([client]);
    await server.kill('SIGTERM');
  }
  timings.sort((a, b) => a - b);
  process.stdout.write(
    `restart listening → synced, ${edits} edits stored: ${timings.map((t) => t.toFixed(0)).join(', ')} ms (median ${timings[Math.floor(RUNS / 2)]!.toFixed(0)} ms)\n`,
  );
} finally {
  await rm(dataDir, { recursive: true, force: true });
}
