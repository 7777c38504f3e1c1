/**
 * The contract every offline store keeps, run against each implementation. `open` returns a store
 * over the same backing data each time it is called within one test (a reopened store).
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { OfflineStore } from '../../../client/offline/types.js';

export interface StoreFixture {
  /** Opens a store on this test's backing data; `compactAfterBytes` makes compaction run early. */
  open(options?: { compactAfterBytes?: number }): Promise<OfflineStore>;
  /** Called after each test. */
  cleanup(): Promise<void>;
}

function textUpdates(count: number): { doc: Y.Doc; updates: Uint8Array[] } {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => updates.push(update));
  for (let i = 0; i < count; i++) doc.getText('text').insert(i, String.fromCharCode(97 + (i % 26)));
  return { doc, updates };
}

function restoredText(updates: readonly Uint8Array[]): string {
  const doc = new Y.Doc();
  for (const update of updates) Y.applyUpdate(doc, update);
  return doc.getText('text').toString();
}

const none = { updates: [], pending: [], acknowledged: [] };

export function offlineStoreContract(name: string, makeFixture: () => Promise<StoreFixture>): void {
  describe(`${name} keeps the offline store contract`, () => {
    let fixture: StoreFixture;
    const stores: OfflineStore[] = [];
    const open = async (options?: { compactAfterBytes?: number }) => {
      fixture ??= await makeFixture();
      const store = await fixture.open(options);
      stores.push(store);
      return store;
    };

    afterEach(async () => {
      await Promise.all(stores.splice(0).map((store) => store.close()));
      await fixture?.cleanup();
      fixture = undefined as unknown as StoreFixture;
    });

    it('an unknown document loads as empty', async () => {
      const store = await open();
      expect(await store.load('nothing-here')).toEqual({ updates: [], pending: [] });
    });

    it('a reopened store restores the document and the pending records', async () => {
      const { updates } = textUpdates(20);
      const store = await open();
      await store.write('doc', { updates, pending: [{ session: 's1', seq: 1, update: updates[0]! }], acknowledged: [] });
      await store.close();
      const reopened = await open();
      const loaded = await reopened.load('doc');
      expect(restoredText(loaded.updates)).toBe(textUpdates(20).doc.getText('text').toString());
      expect(loaded.pending).toEqual([{ session: 's1', seq: 1, update: updates[0] }]);
    });

    it('an acknowledged range removes only that session’s records up to its seq', async () => {
      const store = await open();
      const bytes = (n: number) => new Uint8Array([n]);
      await store.write('doc', {
        updates: [],
        pending: [1, 2, 3].flatMap((seq) => [
          { session: 'a', seq, update: bytes(seq) },
          { session: 'b', seq, update: bytes(10 + seq) },
        ]),
        acknowledged: [],
      });
      await store.write('doc', { ...none, acknowledged: [{ session: 'a', throughSeq: 2 }] });
      const loaded = await store.load('doc');
      expect(loaded.pending.map(({ session, seq }) => `${session}${seq}`)).toEqual(['a3', 'b1', 'b2', 'b3']);
    });

    it('writes take effect in call order and a load sees the writes called before it', async () => {
      const store = await open();
      const update = new Uint8Array([7]);
      const writes = [
        store.write('doc', { ...none, pending: [{ session: 's', seq: 1, update }] }),
        store.write('doc', { ...none, acknowledged: [{ session: 's', throughSeq: 1 }] }),
        store.write('doc', { ...none, pending: [{ session: 's', seq: 2, update }] }),
      ];
      const loaded = store.load('doc');
      await Promise.all(writes);
      expect((await loaded).pending.map((entry) => entry.seq)).toEqual([2]);
    });

    it('documents are independent and a deleted one loads as empty', async () => {
      const store = await open();
      const { updates } = textUpdates(3);
      await store.write('one', { ...none, updates });
      await store.write('two', { ...none, updates: updates.slice(0, 1) });
      await store.delete('one');
      expect(await store.load('one')).toEqual({ updates: [], pending: [] });
      expect(restoredText((await store.load('two')).updates)).toBe('a');
    });

    it('a buffer reused by the caller after a write does not change what is stored', async () => {
      const store = await open();
      const { updates } = textUpdates(1);
      const reused = updates[0]!.slice();
      await store.write('doc', { ...none, updates: [reused] });
      reused.fill(0);
      expect(restoredText((await store.load('doc')).updates)).toBe('a');
    });

    it('compaction keeps the document and every session’s unacknowledged records', async () => {
      const store = await open({ compactAfterBytes: 1024 });
      const { doc, updates } = textUpdates(300);
      for (let i = 0; i < updates.length; i++) {
        const session = i % 2 === 0 ? 'even' : 'odd';
        await store.write('doc', { updates: [updates[i]!], pending: [{ session, seq: i + 1, update: updates[i]! }], acknowledged: [] });
      }
      await store.write('doc', { ...none, acknowledged: [{ session: 'even', throughSeq: 300 }] });
      const loaded = await store.load('doc');
      expect(loaded.updates.length).toBeLessThan(updates.length);
      expect(restoredText(loaded.updates)).toBe(doc.getText('text').toString());
      expect(new Set(loaded.pending.map((entry) => entry.session))).toEqual(new Set(['odd']));
      // The odd session's records, merged or not, still hold all of its edits.
      const oddDoc = new Y.Doc();
      for (let i = 0; i < updates.length; i++) if (i % 2 === 0) Y.applyUpdate(oddDoc, updates[i]!);
      for (const entry of loaded.pending) Y.applyUpdate(oddDoc, entry.update);
      expect(oddDoc.getText('text').toString()).toBe(doc.getText('text').toString());
    });
  });
}
