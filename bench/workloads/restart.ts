/**
 * Restart of a stored trace document: one client types the automerge-paper trace (one transaction
 * per edit, a few hundred edits per event-loop turn so storing it takes seconds, not a minute)
 * with persistence on; once it is stored the server is stopped gracefully. Then, `restarts` times,
 * the server starts on that directory and a new client opens the document: time from the server
 * listening to the client synced, and to the client holding the whole text (servers that answer
 * the handshake before their stored state has loaded send it later as an update).
 */
import { withTempDir } from '../lib/lifecycle.js';
import { startServer } from '../lib/server-process.js';
import { waitForServerIdle } from '../lib/lifecycle.js';
import { median } from '../lib/stats.js';
import { applyEdit, loadTrace } from '../lib/trace.js';
import { TEXT, whenTextEquals } from '../lib/typing.js';
import { sleep, waitFor, withTimeout, yieldToIo } from '../lib/wait.js';
import type { PeerResult, Workload } from './types.js';

const EDITS_PER_TURN = 200;
const DOC = 'paper';
/** Hocuspocus stores debounced snapshots (2 s by default): wait past that before stopping. */
const STORE_SETTLE_MS = 3_000;

export const restart: Workload = {
  name: 'restart',
  title: 'Restart: a stored trace document, server restarted, first client opens it',
  figures: (options) => [
    { key: 'syncedMs', label: 'restarted server listening → first client synced', unit: 'ms', better: 'lower', runs: options.restarts },
    {
      key: 'contentMs',
      label: 'restarted server listening → first client has the stored text',
      unit: 'ms',
      better: 'lower',
      runs: options.restarts,
    },
    { key: 'worstContentMs', label: `same, worst of ${options.restarts}`, unit: 'ms', better: 'lower' },
    { key: 'startMs', label: 'process spawn → listening', unit: 'ms', better: 'lower', runs: options.restarts },
  ],
  async run({ peer, adapter, options, log }) {
    const trace = loadTrace(options.edits);
    return withTempDir('restart', async (dataDir) => {
      const result: PeerResult = { values: {}, notes: [] };
      const first = await startServer(peer, { dataDir });
      try {
        const writer = adapter.connect(first.url, DOC, { noPresence: true });
        try {
          await withTimeout(writer.whenSynced(), 30_000, 'the writer to sync');
          const text = writer.doc.getText(TEXT);
          if (trace.startContent.length > 0) text.insert(0, trace.startContent);
          for (let i = 0; i < trace.edits.length; i++) {
            writer.doc.transact(() => applyEdit(text, trace.edits[i]!));
            if ((i + 1) % EDITS_PER_TURN === 0) await yieldToIo();
          }
          if (writer.unacknowledged !== undefined) {
            await waitFor(() => writer.unacknowledged!() === 0, { timeoutMs: 300_000, what: 'every edit acknowledged', intervalMs: 50 });
          }
          await waitForServerIdle(first, { timeoutMs: 300_000 });
          await sleep(STORE_SETTLE_MS);
        } finally {
          writer.destroy();
        }
        await waitForServerIdle(first, { timeoutMs: 300_000 });
      } finally {
        await first.stop();
      }
      log(`  stored ${trace.edits.length} edits`);

      const synced: number[] = [];
      const content: number[] = [];
      const starts: number[] = [];
      for (let run = 0; run < options.restarts; run++) {
        const server = await startServer(peer, { dataDir });
        try {
          const t0 = performance.now();
          const reader = adapter.connect(server.url, DOC, { noPresence: true });
          try {
            const hasText = whenTextEquals(reader, trace.endContent).then(() => performance.now() - t0);
            await withTimeout(reader.whenSynced(), 60_000, 'a client of the restarted server to sync');
            synced.push(performance.now() - t0);
            content.push(await withTimeout(hasText, 60_000, 'the stored text to arrive'));
            starts.push(server.startupMs);
          } finally {
            reader.destroy();
          }
        } finally {
          await server.stop();
        }
        log(`  restart ${run + 1}: synced ${synced.at(-1)!.toFixed(0)} ms, text ${content.at(-1)!.toFixed(0)} ms`);
      }
      result.values = {
        syncedMs: median(synced),
        contentMs: median(content),
        worstContentMs: Math.max(...content),
        startMs: median(starts),
      };
      const early = synced.filter((s, i) => content[i]! > s + 1).length;
      if (early > 0) result.notes.push(`${early} of ${options.restarts} clients reported synced before the stored text had arrived`);
      result.details = { synced, content, starts, edits: trace.edits.length };
      return result;
    });
  },
};
