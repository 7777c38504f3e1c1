/**
 * Offline merge: client A syncs a seeded document, goes offline (`disconnect()`), types
 * `offlineEdits` single-character edits; meanwhile online client B makes `onlineEdits`. A then
 * reconnects through a byte-counting loopback proxy: time from `connect()` until A and B hold the
 * same text, and the bytes A's connection carried each way (framing and handshake included).
 */
import type { BenchClient } from '../adapters/types.js';
import { destroyAll } from '../lib/clients.js';
import { startCountingProxy } from '../lib/counting-proxy.js';
import { withServer } from '../lib/lifecycle.js';
import { KiB } from '../lib/memory.js';
import { createRng } from '../lib/rng.js';
import { TEXT } from '../lib/typing.js';
import { sleep, waitFor, withTimeout, yieldToIo } from '../lib/wait.js';
import type { PeerResult, Workload } from './types.js';

const SEED_CHARS = 5000;
const DOC = 'offline';
/** Traffic that trails convergence (acks, state vectors) still counts: measure this long after. */
const TRAILING_MS = 500;

async function typeRandomly(client: BenchClient, edits: number, rng: () => number): Promise<void> {
  const text = client.doc.getText(TEXT);
  for (let i = 0; i < edits; i++) {
    // Mostly inserts, some deletes, like typing with corrections.
    if (rng() < 0.15 && text.length > 0) text.delete(Math.floor(rng() * text.length), 1);
    else text.insert(Math.floor(rng() * (text.length + 1)), String.fromCharCode(97 + Math.floor(rng() * 26)));
    if (i % 200 === 199) await yieldToIo();
  }
}

const sameText = (a: BenchClient, b: BenchClient): boolean => {
  const ta = a.doc.getText(TEXT);
  const tb = b.doc.getText(TEXT);
  return ta.length === tb.length && ta.toString() === tb.toString();
};

export const offline: Workload = {
  name: 'offline',
  title: 'Offline merge: a client returns with offline edits to a document changed meanwhile',
  figures: (options) => [
    {
      key: 'mergeMs',
      label: `reconnect → both converged (${options.offlineEdits} offline, ${options.onlineEdits} online edits)`,
      unit: 'ms',
      better: 'lower',
    },
    { key: 'upKiB', label: 'bytes sent by the returning client', unit: 'KiB', better: 'lower' },
    { key: 'downKiB', label: 'bytes received by the returning client', unit: 'KiB', better: 'lower' },
  ],
  async run({ peer, adapter, options }) {
    return withServer(peer, {}, async (server) => {
      const result: PeerResult = { values: {}, notes: [] };
      const proxy = await startCountingProxy(server.port);
      const online = adapter.connect(server.url, DOC);
      const returning = adapter.connect(proxy.url, DOC);
      try {
        await withTimeout(Promise.all([online.whenSynced(), returning.whenSynced()]), 30_000, 'clients to sync');
        online.doc.getText(TEXT).insert(0, 'seed '.repeat(SEED_CHARS / 5));
        await waitFor(() => sameText(online, returning), { timeoutMs: 30_000, what: 'the seed to reach both clients' });

        returning.disconnect();
        await sleep(200);
        await typeRandomly(returning, options.offlineEdits, createRng(11));
        await typeRandomly(online, options.onlineEdits, createRng(12));
        // Let B's edits reach the server before A comes back.
        await sleep(500);

        proxy.reset();
        const t0 = performance.now();
        returning.connect();
        await waitFor(() => sameText(online, returning), { timeoutMs: 120_000, what: 'the returning client to merge', intervalMs: 2 });
        const mergeMs = performance.now() - t0;
        await sleep(TRAILING_MS);
        result.values = { mergeMs, upKiB: proxy.counts.up / KiB, downKiB: proxy.counts.down / KiB };
        result.details = { bytesUp: proxy.counts.up, bytesDown: proxy.counts.down, finalLength: returning.doc.getText(TEXT).length };
        return result;
      } finally {
        destroyAll([online, returning]);
        await proxy.close();
      }
    });
  },
};
