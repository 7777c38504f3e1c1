/**
 * Join storm: one client holds a large document (`stormBytes` of text typed in 1,000 inserts, so
 * it is many items, not one string); then `stormClients` new clients open it at the same moment.
 * Connect → synced p50/p99 over the joiners (median of `stormRuns` storms, fresh clients each) and
 * the server's peak RSS during the storms. No persistence: the document stays loaded throughout,
 * so this measures answering joiners, not loading.
 */
import { connectMany, destroyAll } from '../lib/clients.js';
import { waitForServerIdle, withServer } from '../lib/lifecycle.js';
import { MiB } from '../lib/memory.js';
import { createRng } from '../lib/rng.js';
import { sampleRss } from '../lib/sampler.js';
import { median, percentile } from '../lib/stats.js';
import { TEXT } from '../lib/typing.js';
import { withTimeout, yieldToIo } from '../lib/wait.js';
import type { PeerResult, Workload } from './types.js';

const INSERTS = 1_000;
const DOC = 'storm';

export const joinStorm: Workload = {
  name: 'join-storm',
  title: 'Join storm: many clients open one large document at once',
  figures: (options) => [
    {
      key: 'p50',
      label: `connect → synced p50 (${options.stormClients} clients, ${(options.stormBytes / 1e6).toFixed(1)} MB document)`,
      unit: 'ms',
      better: 'lower',
      runs: options.stormRuns,
    },
    { key: 'p99', label: 'connect → synced p99', unit: 'ms', better: 'lower', runs: options.stormRuns },
    { key: 'allS', label: 'storm start → every joiner synced', unit: 's', better: 'lower', runs: options.stormRuns },
    { key: 'peakRss', label: 'server RSS, peak during the storms', unit: 'MiB', better: 'lower' },
    { key: 'holdRss', label: 'server RSS holding the document before the storms', unit: 'MiB', better: 'lower' },
  ],
  async run({ peer, adapter, options, log }) {
    return withServer(peer, {}, async (server) => {
      const result: PeerResult = { values: {}, notes: [] };
      const holder = adapter.connect(server.url, DOC, { noPresence: true });
      try {
        await withTimeout(holder.whenSynced(), 30_000, 'the holder to sync');
        const text = holder.doc.getText(TEXT);
        const rng = createRng(3);
        const piece = 'the quick brown fox jumps over the lazy dog, '
          .repeat(Math.ceil(options.stormBytes / INSERTS / 45))
          .slice(0, Math.ceil(options.stormBytes / INSERTS));
        for (let i = 0; i < INSERTS; i++) {
          text.insert(Math.floor(rng() * (text.length + 1)), piece);
          await yieldToIo();
        }
        const expected = text.length;
        // A first joiner proves the server holds it all (and warms the join path up).
        const probe = (
          await connectMany(adapter, server.url, { count: 1, docName: () => DOC, concurrency: 1, timeoutMs: 120_000, noPresence: true })
        ).clients;
        await waitForLength(probe[0]!.doc.getText(TEXT), expected);
        destroyAll(probe);
        await waitForServerIdle(server);
        const hold = await server.stats({ gc: true });
        result.values.holdRss = hold.rss / MiB;

        const p50s: number[] = [];
        const p99s: number[] = [];
        const alls: number[] = [];
        let peak = 0;
        for (let run = 0; run < options.stormRuns; run++) {
          const sampler = sampleRss(server, 50);
          const storm = await connectMany(adapter, server.url, {
            count: options.stormClients,
            docName: () => DOC,
            concurrency: options.stormClients,
            // A busy shared machine can take minutes for 150 × 4 MB; the figures say how long.
            timeoutMs: 600_000,
            noPresence: true,
          });
          peak = Math.max(peak, await sampler.stop());
          const short = storm.clients.filter((client) => client.doc.getText(TEXT).length !== expected).length;
          if (short > 0) result.notes.push(`storm ${run + 1}: ${short} joiners reported synced without the whole document`);
          p50s.push(percentile(storm.connectMs, 50));
          p99s.push(percentile(storm.connectMs, 99));
          alls.push(storm.totalMs / 1000);
          log(
            `  storm ${run + 1}: p50 ${p50s.at(-1)!.toFixed(0)} ms, p99 ${p99s.at(-1)!.toFixed(0)} ms, peak RSS ${(peak / MiB).toFixed(0)} MiB`,
          );
          destroyAll(storm.clients);
          await waitForServerIdle(server);
          await server.stats({ gc: true });
        }
        result.values.p50 = median(p50s);
        result.values.p99 = median(p99s);
        result.values.allS = median(alls);
        result.values.peakRss = peak / MiB;
        result.details = { p50s, p99s, alls, documentChars: expected };
        return result;
      } finally {
        holder.destroy();
      }
    });
  },
};

async function waitForLength(text: { length: number }, expected: number): Promise<void> {
  const deadline = performance.now() + 60_000;
  while (text.length !== expected) {
    if (performance.now() > deadline) throw new Error(`joiner has ${text.length} of ${expected} characters`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
