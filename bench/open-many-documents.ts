/**
 * A headless service opening many documents from one process, with default settings on both
 * sides: time from creating the providers to every one synced, against a server in its own process
 * (LevelDB). The shared connections carry up to the server's documents-per-connection limit each;
 * "one connection per provider" gives each provider its own Manager, for comparison.
 *
 *   npx tsx bench/open-many-documents.ts
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Manager } from 'socket.io-client';
import * as Y from 'yjs';
import { QuireProvider } from '../client/index.js';
import { startServerProcess } from '../test/helpers/server-process.js';

const RUNS = 3;

interface Scenario {
  name: string;
  documents: number;
  providersPerDocument: number;
  ownConnections: boolean;
}

const scenarios: Scenario[] = [
  { name: '1,000 documents × 1 provider, shared connections', documents: 1_000, providersPerDocument: 1, ownConnections: false },
  { name: '200 documents × 10 providers, shared connections', documents: 200, providersPerDocument: 10, ownConnections: false },
];

async function timeToSynced(scenario: Scenario): Promise<{ ms: number; connections: number }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'quire-open-many-'));
  const server = await startServerProcess({ dataDir });
  const providers: QuireProvider[] = [];
  const managers: Manager[] = [];
  try {
    const started = performance.now();
    for (let i = 0; i < scenario.documents; i++) {
      for (let j = 0; j < scenario.providersPerDocument; j++) {
        const manager = scenario.ownConnections ? new Manager(server.url, { autoConnect: false }) : undefined;
        if (manager !== undefined) managers.push(manager);
        providers.push(new QuireProvider(server.url, `doc-${i}`, new Y.Doc(), manager === undefined ? {} : { manager }));
      }
    }
    await Promise.all(providers.map((provider) => provider.whenSynced()));
    const ms = performance.now() - started;
    const connections = new Set(providers.map((provider) => (provider as unknown as { socket: { io: Manager } }).socket.io)).size;
    return { ms, connections };
  } finally {
    for (const provider of providers) provider.destroy();
    for (const manager of managers) manager.engine?.close();
    await server.kill('SIGTERM');
    await rm(dataDir, { recursive: true, force: true });
  }
}

for (const scenario of scenarios) {
  const timings: number[] = [];
  let connections = 0;
  for (let run = 0; run < RUNS; run++) {
    const result = await timeToSynced(scenario);
    timings.push(result.ms);
    connections = result.connections;
  }
  timings.sort((a, b) => a - b);
  process.stdout.write(
    `${scenario.name}: all synced in ${timings.map((t) => (t / 1000).toFixed(2)).join(', ')} s ` +
      `(median ${(timings[Math.floor(RUNS / 2)]! / 1000).toFixed(2)} s) over ${connections} connections\n`,
  );
}
process.exit(0);
