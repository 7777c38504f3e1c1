/**
 * Many documents: `docs` documents with one client each, ~`docBytes` of text per document typed in
 * 16 inserts, persistence on (LevelDB for every server, so "unloaded" means "safe on disk").
 * Server memory per open document (heap+external after GC, and RSS), then every client leaves and we
 * poll (GC each time) until the server's memory is back near the baseline or a deadline passes.
 */
import type { Adapter, BenchClient } from '../adapters/types.js';
import type { ServerStats } from '../servers/ipc.js';
import type { ServerProcess } from '../lib/server-process.js';
import { connectMany, destroyAll } from '../lib/clients.js';
import { waitForServerIdle, withServer, withTempDir } from '../lib/lifecycle.js';
import { jsMemory, KiB } from '../lib/memory.js';
import { createRng } from '../lib/rng.js';
import { sleep } from '../lib/wait.js';
import type { PeerResult, Workload } from './types.js';

const INSERTS_PER_DOC = 16;
const UNLOAD_DEADLINE_MS = 60_000;
const WARMUP_DOCS = 20;
/** "Back near baseline": within this share of what the open documents had added. */
const NEAR_BASELINE = 0.1;

function fill(client: BenchClient, bytes: number, rng: () => number): void {
  const text = client.doc.getText('t');
  const chunk = Math.ceil(bytes / INSERTS_PER_DOC);
  for (let i = 0; i < INSERTS_PER_DOC; i++) {
    const piece = 'lorem ipsum dolor sit amet '.repeat(Math.ceil(chunk / 27)).slice(0, chunk);
    text.insert(Math.floor(rng() * (text.length + 1)), piece);
  }
}

async function openFillLeave(adapter: Adapter, url: string, count: number, bytes: number, prefix: string): Promise<void> {
  const { clients } = await connectMany(adapter, url, { count, docName: (i) => `${prefix}-${i}`, concurrency: 20, timeoutMs: 30_000 });
  const rng = createRng(1);
  for (const client of clients) fill(client, bytes, rng);
  await sleep(500);
  destroyAll(clients);
}

/**
 * Polls (with GC) until the server holds no documents and its memory stops falling. Servers that
 * cannot count their documents are judged on memory alone. `unloadedMs` is when documents hit 0.
 */
async function waitForUnload(server: ServerProcess, added: number | null): Promise<{ after: ServerStats; unloadedMs: number | null }> {
  const left = performance.now();
  let unloadedMs: number | null = null;
  let after = await server.stats({ gc: true });
  let stable = 0;
  while (performance.now() - left < UNLOAD_DEADLINE_MS && stable < 3) {
    await sleep(500);
    const next = await server.stats({ gc: true });
    if (unloadedMs === null && (next.docs === 0 || next.docs === null)) unloadedMs = performance.now() - left;
    const settled = Math.abs(jsMemory(next) - jsMemory(after)) <= Math.max((added ?? 0) * 0.01, 64 * KiB);
    stable = unloadedMs !== null && settled ? stable + 1 : 0;
    after = next;
  }
  return { after, unloadedMs };
}

export const manyDocs: Workload = {
  name: 'many-docs',
  title: 'Many documents: 1 client each, ~2 KB each, persistence on',
  figures: (options) => [
    { key: 'perDoc', label: `server memory per open document (heap+ext, ${options.docs} docs)`, unit: 'KiB', better: 'lower' },
    { key: 'rssPerDoc', label: 'server RSS per open document', unit: 'KiB', better: 'lower' },
    { key: 'openS', label: `time to open and sync all ${options.docs} (20 opening at once)`, unit: 's', better: 'lower' },
    { key: 'residualPerDoc', label: 'memory left per document after all left (heap+ext)', unit: 'KiB', better: 'lower' },
    { key: 'unloadS', label: 'time from last client leaving to 0 documents loaded', unit: 's', better: 'lower' },
  ],
  async run({ peer, adapter, options, log }) {
    return withTempDir('many-docs', (dataDir) =>
      withServer(peer, { dataDir }, async (server) => {
        const result: PeerResult = { values: {}, notes: [] };
        // One small round first so code paths are compiled and pools exist before the baseline:
        // otherwise JIT code and lazily created structures read as memory the documents kept.
        await openFillLeave(adapter, server.url, WARMUP_DOCS, options.docBytes, 'warmup');
        await waitForUnload(server, null);
        await waitForServerIdle(server);
        const baseline = await server.stats({ gc: true });

        const connected = await connectMany(adapter, server.url, {
          count: options.docs,
          docName: (i) => `doc-${i}`,
          concurrency: 20,
          timeoutMs: 30_000,
        });
        const rng = createRng(7);
        for (const client of connected.clients) fill(client, options.docBytes, rng);
        await waitForServerIdle(server);
        const loaded = await server.stats({ gc: true });
        const added = jsMemory(loaded) - jsMemory(baseline);
        result.values.perDoc = added / options.docs / KiB;
        result.values.rssPerDoc = (loaded.rss - baseline.rss) / options.docs / KiB;
        result.values.openS = connected.totalMs / 1000;
        log(`  open: ${(added / options.docs / KiB).toFixed(1)} KiB/doc (docs loaded: ${loaded.docs ?? '?'})`);

        destroyAll(connected.clients);
        const unload = await waitForUnload(server, added);
        const residual = jsMemory(unload.after) - jsMemory(baseline);
        result.values.residualPerDoc = residual / options.docs / KiB;
        result.values.unloadS = unload.unloadedMs === null ? null : unload.unloadedMs / 1000;
        if (unload.unloadedMs === null) {
          result.notes.push(`${unload.after.docs ?? '?'} documents still loaded ${UNLOAD_DEADLINE_MS / 1000} s after all clients left`);
        }
        result.notes.push(
          `after leaving: ${(residual / KiB / 1024).toFixed(2)} MiB above baseline = ${((100 * residual) / added).toFixed(0)} % of what the open documents added` +
            (residual <= added * NEAR_BASELINE ? ' (back near baseline)' : ''),
        );
        result.details = { baseline, loaded, after: unload.after, connectMs: connected.totalMs };
        return result;
      }),
    );
  },
};
