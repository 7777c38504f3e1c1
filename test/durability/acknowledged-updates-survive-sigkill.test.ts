import * as prng from 'lib0/prng';
import { afterAll, describe, expect, it } from 'vitest';
import type * as Y from 'yjs';
import { type TestClient, connectClient, connectSynced, destroyClients } from '../helpers/clients.js';
import { converged } from '../helpers/convergence.js';
import { type ServerProcess, startServerProcess } from '../helpers/server-process.js';
import { Typist } from '../helpers/typist.js';
import { delay, waitFor } from '../helpers/wait-for.js';
import { removeTempDirs, tempDir } from '../helpers/temp-dir.js';

const ROUNDS = 5;
const seed = Number(process.env.QUIRE_SEED ?? Date.now() % 1_000_000);
const DOC = 'crash-target';

describe('acknowledged updates survive SIGKILL', () => {
  afterAll(async () => {
    await removeTempDirs();
  });

  it(`every acknowledged update is present after ${ROUNDS} random SIGKILLs, and all clients converge (seed ${seed})`, {
    timeout: 180_000,
  }, async () => {
    const gen = prng.create(seed);
    const dataDir = await tempDir('crash');
    // A low threshold makes compaction run all the time, so kills land during compactions too.
    const env = { QUIRE_COMPACT_AFTER_UPDATES: '400', QUIRE_UPDATES_PER_SECOND: '1000000' };
    let server: ServerProcess = await startServerProcess({ dataDir, env });
    const typists = ['ann', 'bo', 'cy'].map((name) => new Typist(name));
    const editors: TestClient[] = [0, 1].map(() =>
      connectClient(server.url, DOC, { transports: ['websocket'], reconnectionDelay: 50, reconnectionDelayMax: 200 }),
    );
    try {
      for (let round = 0; round < ROUNDS; round++) {
        await Promise.all(typists.map((typist) => typist.connect(server.url, DOC)));
        const killAfter = prng.int32(gen, 300, 1_200);
        const roundStartTyped = typists.reduce((sum, t) => sum + t.typed, 0);
        const started = Date.now();
        const typing = typists.map((typist) => typist.typeUntil(() => Date.now() - started > 60_000));
        const editing = (async () => {
          while (Date.now() - started < killAfter) {
            for (const { doc } of editors) doc.getText('text').insert(0, prng.word(gen, 1, 3));
            await delay(5);
          }
        })();
        await delay(killAfter);
        // At least 2,100 updates a round, so five rounds exceed 10,000 whatever the machine's speed.
        const typedBefore = roundStartTyped;
        await waitFor(() => typists.reduce((sum, t) => sum + t.typed, 0) - typedBefore >= 2_100, 'enough typing', 30_000, 1);
        await server.kill('SIGKILL');
        await Promise.all([...typing, editing]);
        typists.forEach((typist) => typist.close());

        server = await startServerProcess({ dataDir, port: server.port, env });
        // A fresh reader, before any typist re-uploads: what the server has is what it stored.
        const reader = await connectSynced(server.url, DOC);
        for (const typist of typists) {
          const stored = new Set(reader.doc.getArray<number>(typist.name).toArray());
          const lost = [...typist.acknowledged].filter((seq) => !stored.has(seq));
          expect(lost, `round ${round}: ${typist.name} lost acknowledged entries (seed ${seed})`).toEqual([]);
        }
        destroyClients([reader]);
      }
      const totalTyped = typists.reduce((sum, t) => sum + t.typed, 0);
      const totalAcked = typists.reduce((sum, t) => sum + t.acknowledged.size, 0);
      expect(totalTyped).toBeGreaterThanOrEqual(10_000);
      expect(totalAcked).toBeGreaterThan(0);

      // Everyone reconnects: the typists upload what the server lost, the editors re-sync.
      await Promise.all(typists.map((typist) => typist.connect(server.url, DOC)));
      const reader = await connectSynced(server.url, DOC);
      await waitFor(
        () => converged([reader.doc, ...editors.map((e) => e.doc), ...typists.map((t) => t.doc)].map(withSchema(typists))),
        'all replicas converge',
        30_000,
      );
      destroyClients([reader]);
    } finally {
      typists.forEach((typist) => typist.close());
      destroyClients(editors);
      await server.kill('SIGKILL');
    }
  });
});

/** Accesses the typists' arrays so that toJSON shows them on every replica. */
function withSchema(typists: Typist[]) {
  return (doc: Y.Doc) => {
    for (const typist of typists) doc.getArray(typist.name);
    return doc;
  };
}
