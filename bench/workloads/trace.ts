/**
 * Real trace: the automerge-paper trace (259,778 edits) typed through one client as individual
 * updates (each in its own event-loop turn), persistence on, one observer client. Time from the
 * first edit to the observer's text equalling the expected end content; server CPU until then and
 * until the server is idle again (persistence caught up); server RSS peak and at the end.
 */
import { destroyAll } from '../lib/clients.js';
import { waitForServerIdle, withServer, withTempDir } from '../lib/lifecycle.js';
import { MiB } from '../lib/memory.js';
import { sampleRss } from '../lib/sampler.js';
import { cpuBetween } from '../lib/server-process.js';
import { loadTrace } from '../lib/trace.js';
import { typeTrace, whenTextEquals } from '../lib/typing.js';
import { withTimeout } from '../lib/wait.js';
import type { ServerProcess } from '../lib/server-process.js';
import type { PeerResult, Workload, WorkloadContext } from './types.js';

/** Persistence backlogs of a few minutes are possible for per-update writers. */
const IDLE_TIMEOUT_MS = 300_000;

export const trace: Workload = {
  name: 'trace',
  title: 'Real trace (automerge-paper), one writer, one observer, persistence on',
  figures: () => [
    { key: 'convergeS', label: 'time to converge (first edit → observer has end content)', unit: 's', better: 'lower' },
    { key: 'typingS', label: 'time for the writer to send every edit', unit: 's', better: 'lower' },
    { key: 'cpuConvergedS', label: 'server CPU until converged', unit: 's', better: 'lower' },
    { key: 'cpuS', label: 'server CPU until idle (persistence caught up)', unit: 's', better: 'lower' },
    { key: 'cpuUsPerEdit', label: 'server CPU per edit (until idle)', unit: 'µs', better: 'lower' },
    { key: 'idleS', label: 'first edit → server idle again', unit: 's', better: 'lower' },
    { key: 'peakRss', label: 'server RSS, peak', unit: 'MiB', better: 'lower' },
    { key: 'endRss', label: 'server RSS after GC at the end', unit: 'MiB', better: 'lower' },
  ],
  run: (context) => measureTrace(context),
};

export interface TraceHooks {
  /** After both clients synced, before the first edit. */
  beforeTraffic?: (server: ServerProcess) => Promise<void>;
  /** After the observer converged (or timed out). */
  afterTraffic?: (server: ServerProcess) => Promise<void>;
}

export async function measureTrace({ peer, adapter, options, log }: WorkloadContext, hooks: TraceHooks = {}): Promise<PeerResult> {
  const loaded = loadTrace(options.edits);
  log(`  ${loaded.edits.length} edits, end content ${loaded.endContent.length} chars`);
  return withTempDir('trace', (dataDir) =>
    withServer(peer, { dataDir }, async (server) => {
      const result: PeerResult = { values: {}, notes: [] };
      const writer = adapter.connect(server.url, 'trace');
      const observer = adapter.connect(server.url, 'trace');
      try {
        await withTimeout(Promise.all([writer.whenSynced(), observer.whenSynced()]), 30_000, 'clients to sync');
        await hooks.beforeTraffic?.(server);
        const converged = whenTextEquals(observer, loaded.endContent);
        const rss = sampleRss(server);
        const before = await server.stats();
        const t0 = performance.now();
        await typeTrace(writer, loaded);
        const typedMs = performance.now() - t0;
        log(`  typed in ${(typedMs / 1000).toFixed(1)} s`);
        let convergedMs: number | null = null;
        try {
          await withTimeout(converged, options.traceTimeoutS * 1000, 'the observer to converge');
          convergedMs = performance.now() - t0;
        } catch {
          result.notes.push(
            `did not converge within ${options.traceTimeoutS} s (observer has ${observer.doc.getText('t').length} of ${loaded.endContent.length} chars)`,
          );
        }
        const atConvergence = await server.stats();
        // Servers that persist behind the broadcast (a write queue per update) are still working
        // when the observer has converged: that work belongs to the trace too.
        await waitForServerIdle(server, { timeoutMs: IDLE_TIMEOUT_MS });
        const idleMs = performance.now() - t0;
        const after = await server.stats();
        await hooks.afterTraffic?.(server);
        const peak = await rss.stop();
        const end = await server.stats({ gc: true });
        const cpuUs = cpuBetween(before, after);
        result.values = {
          convergeS: convergedMs === null ? null : convergedMs / 1000,
          typingS: typedMs / 1000,
          cpuConvergedS: convergedMs !== null ? cpuBetween(before, atConvergence) / 1e6 : null,
          cpuS: convergedMs !== null ? cpuUs / 1e6 : null,
          cpuUsPerEdit: convergedMs !== null ? cpuUs / loaded.edits.length : null,
          idleS: idleMs / 1000,
          peakRss: Math.max(peak, after.rss) / MiB,
          endRss: end.rss / MiB,
        };
        if (writer.doc.getText('t').toString() !== loaded.endContent) result.notes.push('writer text differs from the trace end content');
        result.details = { edits: loaded.edits.length, before, after, end };
        return result;
      } finally {
        destroyAll([writer, observer]);
      }
    }),
  );
}
