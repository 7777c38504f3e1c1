/**
 * The server under attack, in a child process so that a crash shows as an exit:
 *   node --expose-gc --import tsx test/helpers/processes/hostile-server.ts <dataDir>
 * Options come as JSON in QUIRE_TEST_OPTIONS, the JWT secret in QUIRE_TEST_JWT_SECRET.
 * Talks to the test over IPC: sends { type: 'ready', url }, answers requests { id, op }.
 */
import { getHeapSpaceStatistics } from 'node:v8';
import * as Y from 'yjs';
import { createServer, jwtAuth } from '../../../server/index.js';
import type { QuireServerOptions } from '../../../server/options.js';
import { LevelDbStore } from '../../../server/persistence/leveldb-store.js';

export type Request =
  | { id: number; op: 'memory' }
  | { id: number; op: 'stats' }
  | { id: number; op: 'state'; name: string }
  | { id: number; op: 'close' };

export interface DocumentState {
  /** toJSON of the shared roots the suite uses, with sorted keys. */
  content: string;
  stateVector: string;
}

const [dataDir] = process.argv.slice(2);
if (dataDir === undefined || process.send === undefined) throw new Error('usage: hostile-server.ts <dataDir>, with an IPC channel');
const send = (message: object) => process.send!(message);
const gc = (globalThis as { gc?: () => void }).gc;

const options = JSON.parse(process.env.QUIRE_TEST_OPTIONS ?? '{}') as QuireServerOptions;
// The production store, compacting often so that compaction also meets what the attack stored.
const store = await LevelDbStore.open({ path: dataDir, compactAfterUpdates: 50 });
const server = createServer({
  ...options,
  store,
  ...jwtAuth({ secret: process.env.QUIRE_TEST_JWT_SECRET ?? '' }),
});

/** Hostile clients can store bigints (Yjs' ContentAny allows them); JSON.stringify would throw. */
function bigintAsText(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? `${value}n` : value;
}

function sorted(value: unknown): unknown {
  // A fuzzed update can embed a subdocument, whose Y.Doc refers back to itself.
  if (value instanceof Y.Doc) return { subdocument: value.guid };
  if (Array.isArray(value)) return value.map(sorted);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sorted((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

async function documentState(name: string): Promise<DocumentState> {
  const handle = await server.openDocument(name);
  try {
    const { doc } = handle;
    doc.getText('text');
    doc.getMap('map');
    doc.getArray('array');
    return {
      content: JSON.stringify(sorted(doc.toJSON()), bigintAsText),
      stateVector: Buffer.from(Y.encodeStateVector(doc)).toString('hex'),
    };
  } finally {
    await handle.release();
  }
}

async function memoryAfterGc(): Promise<number> {
  if (gc === undefined) throw new Error('run with --expose-gc');
  // Several rounds with turns in between, so that finalizers and weak maps settle.
  for (let i = 0; i < 4; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  // Compiled code is left out: V8 keeps optimizing the server's hot paths as the run goes on,
  // which is not a leak. Buffers (payloads, stored updates) live outside the heap: counted.
  const data = getHeapSpaceStatistics()
    .filter((space) => !space.space_name.startsWith('code'))
    .reduce((sum, space) => sum + space.space_used_size, 0);
  return data + process.memoryUsage().arrayBuffers;
}

async function answer(request: Request): Promise<object> {
  switch (request.op) {
    case 'memory':
      return { used: await memoryAfterGc() };
    case 'stats':
      return {
        loadedDocuments: server.registry.loadedCount,
        documentNamespaces: [...server.io._nsps.keys()].filter((name) => name.startsWith('/doc/')).length,
        engineConnections: server.io.engine.clientsCount,
      };
    case 'state':
      return await documentState(request.name);
    case 'close':
      await server.close();
      return {};
  }
}

process.on('message', (request: Request) => {
  answer(request).then(
    (result) => {
      send({ id: request.id, ok: true, result });
      if (request.op === 'close') process.disconnect();
    },
    (error: unknown) => send({ id: request.id, ok: false, error: String(error) }),
  );
});

const { url } = await server.listen(0, '127.0.0.1');
send({ type: 'ready', url });
