/**
 * Crash: the trace typed with persistence on; the server is SIGKILLed 1 s after the writer sent the
 * last edit; the writer is destroyed (so nothing is re-sent), the server restarted on the same data
 * directory, and a fresh client syncs. Reports the share of inserted characters restored (the
 * writer's Yjs clock in the restored state vector over its final clock), whether the text equals the
 * end content, and the time from the restarted server listening to the fresh client synced.
 * Where the protocol acknowledges durable updates (quire), also whether everything acknowledged
 * before the kill came back.
 */
import * as Y from 'yjs';
import { withTempDir } from '../lib/lifecycle.js';
import { startServer } from '../lib/server-process.js';
import { loadTrace } from '../lib/trace.js';
import { TEXT, typeTrace } from '../lib/typing.js';
import { sleep, waitFor, withTimeout } from '../lib/wait.js';
import type { PeerResult, Workload } from './types.js';

const KILL_AFTER_MS = 1000;
const SETTLE_MS = 1000;

function clockOf(doc: Y.Doc, clientId: number): number {
  return Y.decodeStateVector(Y.encodeStateVector(doc)).get(clientId) ?? 0;
}

export const crash: Workload = {
  name: 'crash',
  title: 'Crash: trace typed with persistence, SIGKILL 1 s after the last edit, restart',
  figures: () => [
    { key: 'restoredPct', label: 'inserted characters restored after restart', unit: '%', better: 'higher' },
    { key: 'equal', label: 'restored text equals end content (1 = yes)', unit: '', better: 'higher' },
    { key: 'syncedMs', label: 'restarted server listening → new client reports synced', unit: 'ms', better: 'lower' },
    { key: 'contentMs', label: 'restarted server listening → new client has the restored content', unit: 'ms', better: 'lower' },
    { key: 'startMs', label: 'restart: process spawn → listening', unit: 'ms', better: 'lower' },
  ],
  async run({ peer, adapter, options, log }) {
    const loaded = loadTrace(options.edits);
    return withTempDir('crash', async (dataDir) => {
      const result: PeerResult = { values: {}, notes: [] };
      const first = await startServer(peer, { dataDir });
      const writer = adapter.connect(first.url, 'crash');
      let writerClock: number;
      let unacknowledged: number | undefined;
      try {
        await withTimeout(writer.whenSynced(), 30_000, 'the writer to sync');
        await typeTrace(writer, loaded);
        await sleep(KILL_AFTER_MS);
        unacknowledged = writer.unacknowledged?.();
        writerClock = clockOf(writer.doc, writer.doc.clientID);
        await first.kill();
      } finally {
        writer.destroy();
        await first.kill();
      }
      log(`  killed; writer had sent ${loaded.edits.length} edits (${writerClock} chars inserted)`);

      const second = await startServer(peer, { dataDir });
      try {
        const t0 = performance.now();
        const reader = adapter.connect(second.url, 'crash');
        try {
          let lastUpdate = t0;
          reader.doc.on('update', () => {
            lastUpdate = performance.now();
          });
          await withTimeout(reader.whenSynced(), 30_000, 'a client of the restarted server to sync');
          const syncedMs = performance.now() - t0;
          // Some servers answer the handshake before their stored state has loaded and send it
          // afterwards as an update: the restored content counts when it has arrived, so wait until
          // no update has come for a while.
          await waitFor(() => performance.now() - lastUpdate >= SETTLE_MS, {
            timeoutMs: 60_000,
            what: 'restored state to settle',
            intervalMs: 50,
          });
          const contentMs = Math.max(syncedMs, lastUpdate - t0);
          const restoredClock = clockOf(reader.doc, writer.doc.clientID);
          const restored = reader.doc.getText(TEXT).toString();
          result.values = {
            restoredPct: (100 * restoredClock) / writerClock,
            equal: restored === loaded.endContent ? 1 : 0,
            syncedMs,
            contentMs,
            startMs: second.startupMs,
          };
          if (contentMs > syncedMs + 1) {
            result.notes.push(
              `client reported synced ${syncedMs.toFixed(0)} ms after connecting, before the stored state had loaded; it arrived ${(contentMs - syncedMs).toFixed(0)} ms later`,
            );
          }
          if (unacknowledged !== undefined) {
            // Acks arrive in order: the acknowledged updates are the first (edits − unacknowledged).
            const acked = loaded.edits.length - unacknowledged;
            const ackedClock = loaded.insertedBefore[acked]!;
            result.notes.push(
              `${acked} of ${loaded.edits.length} edits acknowledged before the kill; ` +
                (restoredClock >= ackedClock ? 'all of them restored' : `only ${restoredClock} of their ${ackedClock} chars restored`),
            );
          }
          result.details = { writerClock, restoredClock, restoredLength: restored.length, unacknowledged };
          return result;
        } finally {
          reader.destroy();
        }
      } finally {
        await second.stop();
      }
    });
  },
};
