/**
 * Idle server: the server process started with persistence on (as it would be deployed), nobody
 * connected. RSS once it has been idle for a moment, without and with a forced GC, and heap+ext
 * (median of `restarts` starts): the floor every other memory figure stands on.
 */
import { waitForServerIdle, withServer, withTempDir } from '../lib/lifecycle.js';
import { jsMemory, MiB } from '../lib/memory.js';
import { median } from '../lib/stats.js';
import type { Workload } from './types.js';

export const idle: Workload = {
  name: 'idle',
  title: 'Idle server after start, persistence on, nobody connected',
  figures: (options) => [
    { key: 'rss', label: 'server RSS after start', unit: 'MiB', better: 'lower', runs: options.restarts },
    { key: 'rssGc', label: 'server RSS after start, after GC', unit: 'MiB', better: 'lower', runs: options.restarts },
    { key: 'heap', label: 'server heap+ext after start, after GC', unit: 'MiB', better: 'lower', runs: options.restarts },
    { key: 'startMs', label: 'process spawn → listening', unit: 'ms', better: 'lower', runs: options.restarts },
  ],
  async run({ peer, options }) {
    const samples = { rss: [] as number[], rssGc: [] as number[], heap: [] as number[], startMs: [] as number[] };
    for (let run = 0; run < options.restarts; run++) {
      await withTempDir('idle', (dataDir) =>
        withServer(peer, { dataDir }, async (server) => {
          await waitForServerIdle(server);
          samples.rss.push((await server.stats()).rss / MiB);
          const collected = await server.stats({ gc: true });
          samples.rssGc.push(collected.rss / MiB);
          samples.heap.push(jsMemory(collected) / MiB);
          samples.startMs.push(server.startupMs);
        }),
      );
    }
    return {
      values: { rss: median(samples.rss), rssGc: median(samples.rssGc), heap: median(samples.heap), startMs: median(samples.startMs) },
      notes: [],
      details: samples,
    };
  },
};
