import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { type CommittedRows, PostgresStore } from '../../server/persistence/postgres-store.js';
import { dropSchema, postgresReachable, postgresUrlFor, uniqueSchema } from '../helpers/cluster/services.js';
import { recordingDoc } from '../helpers/persistence/yjs-content.js';

/** Seeded (mulberry32), so a failure replays. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe.skipIf(!postgresReachable)('two PostgresStores appending to one document at once', () => {
  let schema: string;
  let stores: PostgresStore[];

  beforeEach(async () => {
    schema = uniqueSchema('concurrent');
    const url = postgresUrlFor(schema);
    // Tiny compaction thresholds: both instances compact the same document while both append.
    stores = [await PostgresStore.open({ url, compactAfterUpdates: 25 }), await PostgresStore.open({ url, compactAfterUpdates: 25 })];
  });

  afterEach(async () => {
    await Promise.all(stores.map((store) => store.close()));
    await dropSchema(schema);
  });

  it('numbers every append once, without holes, and loses none through concurrent compactions', async () => {
    const random = prng(20261203);
    const writers = stores.map((store, i) => {
      const { doc, updates } = recordingDoc();
      for (let n = 0; n < 150; n++) doc.getText('text').insert(Math.floor(random() * (doc.getText('text').length + 1)), `${i}:${n} `);
      return { store, updates };
    });
    const seqs: number[] = [];
    for (const store of stores)
      store.onCommit((rows: CommittedRows[]) => {
        for (const row of rows) for (let k = 0; k < row.updates.length; k++) seqs.push(row.firstSeq + k);
      });

    await Promise.all(
      writers.map(async ({ store, updates }) => {
        let next = 0;
        while (next < updates.length) {
          // A random number of appends per turn, as a node's group commit sees them.
          const count = 1 + Math.floor(random() * 6);
          await Promise.all(updates.slice(next, next + count).map((update) => store.append('shared', update)));
          next += count;
        }
      }),
    );

    expect([...seqs].sort((a, b) => a - b)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    const state = await stores[0]!.loadState('shared');
    expect(state.headSeq).toBe(300);
    const loaded = new Y.Doc();
    for (const update of state.updates) Y.applyUpdate(loaded, update);
    const snapshot = Y.snapshot(loaded);
    for (const { updates } of writers) for (const update of updates) expect(Y.snapshotContainsUpdate(snapshot, update)).toBe(true);
    expect(stores.reduce((sum, store) => sum + store.compactionCounters().compactions, 0)).toBeGreaterThan(0);
  });
});
