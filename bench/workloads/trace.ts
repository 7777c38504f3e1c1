/**
 * Real trace: the automerge-paper trace (259,778 edits) typed through one client as individual
 * updates, persistence on, one observer client. Time from the first edit to the observer's text
 * equalling the expected end content; server CPU over that window; server RSS peak and at the end.
 */
import { destroyAll } from '../lib/clients.js';
import { withServer, withTempDir } from '../lib/lifecycle.js';
import { MiB } from '../lib/memory.js';
import { sampleRss } from '../lib/sampler.js';
import { cpuBetween } from '../lib/server-process.js';
import { loadTrace } from '../lib/trace.js';
import { typeTrace, whenTextEquals } from '../lib/typing.js';
import { withTimeout } from '../lib/wait.js';
import type { PeerResult, Workload } from './types.js';

export const trace: Workload = {
  name: 'trace',
  title: 'Real trace (automerge-paper), one writer, one observer, persistence on',
  figures: () => [
    { key: 'convergeS', label: 'time to converge (first edit → observer has end content)', unit: 's', better: 'lower' },
    { key: 'typingS', label: 'time for the writer to send every edit', unit: 's', better: 'lower' },
    { key: 'cpuS', label: 'server CPU until converged', unit: 's', better: 'lower' },
    { key: 'cpuUsPerEdit', label: 'server CPU per edit', unit: 'µs', better: 'lower' },
    { key: 'peakRss', label: 'server RSS, peak', unit: 'MiB', better: 'lower' },
    { key: 'endRss', label: 'server RSS after GC at the end', unit: 'MiB', better: 'lower' },
  ],
  async run({ peer, adapter, options, log }) {
    const loaded = loadTrace(options.edits);
    log(`  ${loaded.edits.length} edits, end content ${loaded.endContent.length} chars`);
    return withTempDir('trace', (dataDir) =>
      withServer(peer, { dataDir }, async (server) => {
        const result: PeerResult = { values: {}, notes: [] };
        const writer = adapter.connect(server.url, 'trace');
        const observer = adapter.connect(server.url, 'trace');
        try {
          await withTimeout(Promise.all([writer.whenSynced(), observer.whenSynced()]), 30_000, 'clients to sync');
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
          } catch (error) {
            result.notes.push(`did not converge within ${options.traceTimeoutS} s (observer has ${observer.doc.getText('t').length} of ${loaded.endContent.length} chars)`);
          }
          const after = await server.stats();
          const peak = await rss.stop();
          const end = await server.stats({ gc: true });
          const cpuUs = cpuBetween(before, after);
          result.values = {
            convergeS: convergedMs === null ? null : convergedMs / 1000,
            typingS: typedMs / 1000,
            cpuS: convergedMs === null ? null : cpuUs / 1e6,
            cpuUsPerEdit: convergedMs === null ? null : cpuUs / loaded.edits.length,
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
  },
};
