/**
 * Connections: `connections` idle clients (no presence state) on one document, opened 50 at a
 * time. Server memory per connection (heap+external after GC, and RSS) and connect time (creating
 * the provider → synced), then every client leaves and the server's connection count is checked.
 */
import { connectMany, destroyAll } from '../lib/clients.js';
import { waitForServerIdle, withServer } from '../lib/lifecycle.js';
import { jsMemory, KiB } from '../lib/memory.js';
import { percentile } from '../lib/stats.js';
import { sleep } from '../lib/wait.js';
import type { ServerProcess } from '../lib/server-process.js';
import type { PeerResult, Workload, WorkloadContext } from './types.js';

const CONCURRENCY = 50;
const WARMUP_CLIENTS = 50;

export const connectAll: Workload = {
  name: 'connect-all',
  title: 'Idle clients on many documents, one connection per client',
  figures: (options) => [
    {
      key: 'perConn',
      label: `server memory per connection (heap+ext, ${options.connections} clients, ${options.connectDocs} docs)`,
      unit: 'KiB',
      better: 'lower',
    },
    { key: 'rssPerConn', label: 'server RSS per connection', unit: 'KiB', better: 'lower' },
    { key: 'connectP50', label: `connect → synced p50 (${CONCURRENCY} connecting at once)`, unit: 'ms', better: 'lower' },
    { key: 'connectP99', label: 'connect → synced p99', unit: 'ms', better: 'lower' },
    { key: 'totalS', label: `time to connect and sync all ${options.connections}`, unit: 's', better: 'lower' },
  ],
  run: (context) => measureConnections(context, { docs: context.options.connectDocs }),
};

export const connections: Workload = {
  name: 'connections',
  title: 'Idle connections on one document',
  figures: (options) => [
    { key: 'perConn', label: `server memory per connection (heap+ext, ${options.connections} clients)`, unit: 'KiB', better: 'lower' },
    { key: 'rssPerConn', label: 'server RSS per connection', unit: 'KiB', better: 'lower' },
    { key: 'connectP50', label: `connect → synced p50 (${CONCURRENCY} connecting at once)`, unit: 'ms', better: 'lower' },
    { key: 'connectP99', label: 'connect → synced p99', unit: 'ms', better: 'lower' },
    { key: 'totalS', label: `time to connect all ${options.connections}`, unit: 's', better: 'lower' },
  ],
  run: (context) => measureConnections(context),
};

export interface ConnectionHooks {
  /** Documents the clients spread over (client i opens document i mod `docs`); 1 by default. */
  docs?: number;
  /** After the warm-up, before the measured clients connect. */
  beforeTraffic?: (server: ServerProcess) => Promise<void>;
  /** After every measured client synced and the server went idle. */
  afterTraffic?: (server: ServerProcess) => Promise<void>;
}

export async function measureConnections(
  { peer, adapter, options, log }: WorkloadContext,
  hooks: ConnectionHooks = {},
): Promise<PeerResult> {
  return withServer(peer, {}, async (server) => {
    const result: PeerResult = { values: {}, notes: [] };
    // Warm the connection path up so compiled code does not count as per-connection memory.
    const warm = await connectMany(adapter, server.url, {
      count: WARMUP_CLIENTS,
      docName: () => 'warmup',
      concurrency: CONCURRENCY,
      timeoutMs: 30_000,
      noPresence: true,
    });
    destroyAll(warm.clients);
    await sleep(1000);
    await waitForServerIdle(server);
    const baseline = await server.stats({ gc: true });
    await hooks.beforeTraffic?.(server);

    const docs = hooks.docs ?? 1;
    const connected = await connectMany(adapter, server.url, {
      count: options.connections,
      docName: docs === 1 ? () => 'idle' : (i) => `idle-${i % docs}`,
      concurrency: CONCURRENCY,
      timeoutMs: 60_000,
      noPresence: true,
    });
    try {
      await waitForServerIdle(server);
      await hooks.afterTraffic?.(server);
      const loaded = await server.stats({ gc: true });
      result.values = {
        perConn: (jsMemory(loaded) - jsMemory(baseline)) / options.connections / KiB,
        rssPerConn: (loaded.rss - baseline.rss) / options.connections / KiB,
        connectP50: percentile(connected.connectMs, 50),
        connectP99: percentile(connected.connectMs, 99),
        totalS: connected.totalMs / 1000,
      };
      log(`  ${loaded.connections ?? '?'} connections open on the server`);
      if (loaded.connections !== null && loaded.connections < options.connections) {
        result.notes.push(`server counted ${loaded.connections} connections for ${options.connections} clients`);
      }
      result.details = { baseline, loaded };
    } finally {
      destroyAll(connected.clients);
    }
    return result;
  });
}
