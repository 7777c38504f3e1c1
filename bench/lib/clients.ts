/** Opening many bench clients with bounded concurrency, timing each from creation to synced. */
import type { Adapter, BenchClient, ConnectOptions } from '../adapters/types.js';
import { withTimeout } from './wait.js';

export interface ConnectedClients {
  clients: BenchClient[];
  /** Per client: milliseconds from creating the provider to synced. */
  connectMs: number[];
  /** Wall time for all of them. */
  totalMs: number;
}

export interface ConnectManyOptions extends Omit<ConnectOptions, 'doc'> {
  count: number;
  docName: (index: number) => string;
  /** Clients connecting at the same time. */
  concurrency: number;
  timeoutMs: number;
}

export async function connectMany(adapter: Adapter, url: string, options: ConnectManyOptions): Promise<ConnectedClients> {
  const clients: BenchClient[] = new Array(options.count);
  const connectMs: number[] = new Array(options.count);
  let next = 0;
  const started = performance.now();
  const lane = async (): Promise<void> => {
    while (next < options.count) {
      const index = next++;
      const t0 = performance.now();
      const client = adapter.connect(url, options.docName(index), { noPresence: options.noPresence });
      clients[index] = client;
      await withTimeout(client.whenSynced(), options.timeoutMs, `client ${index} to sync`);
      connectMs[index] = performance.now() - t0;
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(options.concurrency, options.count) }, lane));
  } catch (error) {
    destroyAll(clients);
    throw error;
  }
  return { clients, connectMs, totalMs: performance.now() - started };
}

export function destroyAll(clients: readonly (BenchClient | undefined)[]): void {
  for (const client of clients) client?.destroy();
}
