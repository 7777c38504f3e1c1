import * as prng from 'lib0/prng';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { DocumentStore } from '../../server/persistence/types.js';
import { type TestClient, connectSynced, destroyClients } from '../helpers/clients.js';
import { EDITED_ROOTS, allContent, docOf, randomEdits } from '../helpers/random-edits.js';
import { type RunningServer, startServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait-for.js';
import { versionStores, whenSaved } from '../helpers/versions.js';

const SEEDS = Number(process.env.QUIRE_VERSION_SEEDS ?? 120);
const firstSeed = Number(process.env.QUIRE_SEED ?? 1);

describe.each(versionStores)('restore on $name', ({ open }) => {
  let running: RunningServer;
  let opened: { store: DocumentStore; cleanup: () => Promise<void> };

  beforeAll(async () => {
    opened = await open();
    running = await startServer({ store: opened.store, versions: { automatic: false } });
  });
  afterAll(async () => {
    await running.close();
    await opened.cleanup();
  });

  it(`brings the restored roots back to the version and leaves the others as they are (${SEEDS} seeds from ${firstSeed})`, async () => {
    const { versions } = running.server;
    for (let seed = firstSeed; seed < firstSeed + SEEDS; seed++) {
      const gen = prng.create(seed);
      const docName = `property-${seed}`;
      let client: TestClient | undefined;
      try {
        client = await connectSynced(running.url, docName);
        randomEdits(gen, client.doc, prng.int32(gen, 1, 25));
        await whenSaved(client);
        const version = await versions.create(docName, { name: `seed ${seed}` });
        const atVersion = allContent(docOf(await versions.get(docName, version.id)));
        expect(atVersion, `seed ${seed}: the version holds what was saved`).toEqual(allContent(client.doc));
        randomEdits(gen, client.doc, prng.int32(gen, 1, 25));
        await whenSaved(client);
        const before = allContent(client.doc);
        const roots = prng.bool(gen) ? ['default'] : [...EDITED_ROOTS];
        const result = await versions.restore(docName, version.id, { roots });
        const expected = Object.fromEntries(EDITED_ROOTS.map((root) => [root, roots.includes(root) ? atVersion[root] : before[root]]));
        await waitFor(
          () => JSON.stringify(allContent(client!.doc)) === JSON.stringify(expected),
          `seed ${seed}: the client sees the restore`,
          5_000,
        ).catch(() => {});
        expect(allContent(client.doc), `seed ${seed} (roots ${roots.join(',')})`).toEqual(expected);
        // The backup holds the state before, the restore version the state after.
        expect(allContent(docOf(await versions.get(docName, result.backup.id)))).toEqual(before);
        expect(allContent(docOf(await versions.get(docName, result.restore.id)))).toEqual(expected);
        const handle = await running.server.openDocument(docName);
        expect(Y.encodeStateVector(handle.doc)).toEqual(Y.encodeStateVector(client.doc));
        await handle.release();
      } finally {
        if (client !== undefined) destroyClients([client]);
      }
    }
  }, 240_000);
});
