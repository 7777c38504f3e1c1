/**
 * Server CPU per connection while many clients open distinct documents (LevelDB) — a tool for
 * finding where quire's server spends its time per open. Prints CPU µs per open and a profile.
 *
 *   npx tsx bench/open-cpu.ts [docs=500] [clientsPerDoc=1] [concurrency=20] [profilePath]
 *   (PEER=y-websocket for another server; STORE=memory for no persistence, as connect-all runs)
 */
import { loadAdapter } from './adapters/index.js';
import { connectMany, destroyAll } from './lib/clients.js';
import { renderProfile, summariseProfile } from './lib/cpu-profile.js';
import { withServer, withTempDir, waitForServerIdle } from './lib/lifecycle.js';
import { cpuBetween } from './lib/server-process.js';

const [docs = 500, perDoc = 1, concurrency = 20] = process.argv.slice(2, 5).map(Number);
const profilePath = process.argv[5];
const peer = (process.env.PEER ?? 'quire') as 'quire';
const adapter = await loadAdapter(peer);
await withTempDir('open-cpu', (dataDir) =>
  withServer(peer, process.env.STORE === 'memory' ? {} : { dataDir }, async (server) => {
    const warm = await connectMany(adapter, server.url, {
      count: 40,
      docName: (i) => `warm-${i}`,
      concurrency,
      timeoutMs: 30_000,
      noPresence: true,
    });
    destroyAll(warm.clients);
    await waitForServerIdle(server);
    const before = await server.stats();
    if (profilePath) await server.startProfile();
    const count = docs * perDoc;
    const clientCpu = process.cpuUsage();
    const run = await connectMany(adapter, server.url, {
      count,
      docName: (i) => `doc-${i % docs}`,
      concurrency,
      timeoutMs: 60_000,
      noPresence: true,
    });
    if (profilePath) await server.stopProfile(profilePath);
    const after = await server.stats();
    const c = process.cpuUsage(clientCpu);
    const sorted = [...run.connectMs].sort((a, b) => a - b);
    console.log(
      `opens=${count} cpu/open=${Math.round(cpuBetween(before, after) / count)}µs clientcpu/open=${Math.round((c.user + c.system) / count)}µs wall=${Math.round(run.totalMs)}ms p50=${Math.round(sorted[Math.floor(count / 2)]!)} p99=${Math.round(sorted[Math.floor(count * 0.99)]!)} max=${Math.round(sorted[count - 1]!)}`,
    );
    destroyAll(run.clients);
    if (profilePath) console.log(renderProfile('open', await summariseProfile(profilePath, 40)));
  }),
);
process.exit(0);
