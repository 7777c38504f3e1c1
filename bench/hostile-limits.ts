/**
 * What two hostile-client limits cost and what an honest reconnect costs, on one server in this
 * process: a sync step 1 with 2.5 million state-vector entries (refused by the state-vector cap),
 * and 30 documents × 1 MB of offline edits reconnecting on one connection (the catch-up budget).
 *
 *   npx tsx bench/hostile-limits.ts
 */
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { createServer } from '../server/index.js';
import { encodeSyncFrame } from '../shared/protocol/sync.js';
import { connectRaw } from '../test/helpers/raw-socket.js';
import { connectClient } from '../test/helpers/clients.js';

const server = createServer({ unloadGraceMs: 60_000 });
const { url } = await server.listen(0, '127.0.0.1');
const mb = (n: number) => (n / 1e6).toFixed(0);

// 1. A 2.5M-entry sync step 1.
{
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 2_500_000);
  for (let i = 0; i < 2_500_000; i++) {
    encoding.writeVarUint(encoder, 100_000_000 + i);
    encoding.writeVarUint(encoder, 1);
  }
  const frame = encodeSyncFrame('step1', encoding.toUint8Array(encoder));
  const socket = await connectRaw(url, 'sv');
  const rssBefore = process.memoryUsage().rss;
  const started = performance.now();
  const reply = (await socket.timeout(120_000).emitWithAck('sync-step-1', frame)) as { code?: string };
  console.log(
    `step1 of ${mb(frame.byteLength)} MB, 2.5M entries: ${reply.code ?? 'ok'} in ${(performance.now() - started).toFixed(0)} ms; RSS ${mb(rssBefore)} -> ${mb(process.memoryUsage().rss)} MB`,
  );
  socket.close();
}

// 2. 30 documents x 1 MB of offline edits on one connection.
{
  const clients = Array.from({ length: 30 }, (_, i) => connectClient(url, `offline-${i}`, { connect: false }));
  let refusals = 0;
  for (const [i, c] of clients.entries()) {
    c.provider.on('notice', () => refusals++);
    c.doc.getText('text').insert(0, `${i}`.padEnd(1_000_000, 'x'));
  }
  const started = performance.now();
  for (const c of clients) c.provider.connect();
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      if (clients.every((c) => c.provider.synced && c.provider.pendingCount === 0)) {
        clearInterval(timer);
        resolve();
      }
    }, 20);
  });
  console.log(`30 x 1 MB reconnect: all saved in ${(performance.now() - started).toFixed(0)} ms, ${refusals} refusals`);
  for (const c of clients) c.provider.destroy();
}
await server.close();
process.exit(0);
