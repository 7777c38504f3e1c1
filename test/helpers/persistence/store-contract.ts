import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { DocumentStore } from '../../../server/persistence/types.js';
import { docFromUpdates, editRichly, recordingDoc, sameState, visibleContent } from './yjs-content.js';

/** A store under test, opened fresh (empty) for each test. */
export interface StoreUnderTest {
  store: DocumentStore;
  /**
   * Closes the current store and opens another on the same data. Absent for stores that keep
   * nothing beyond their instance (memory).
   */
  reopen?: () => Promise<DocumentStore>;
  /** Closes whatever store is open and removes its data. */
  cleanup: () => Promise<void>;
}

const bytes = (...values: number[]) => new Uint8Array(values);
const NAME_255 = 'é'.repeat(127) + 'x'; // 127 × 2 bytes + 1 = 255 bytes of UTF-8

/** The behaviour every DocumentStore implementation must have. */
export function describeStoreContract(name: string, openStore: () => Promise<StoreUnderTest>): void {
  describe(`${name} keeps the DocumentStore contract`, () => {
    let subject: StoreUnderTest;
    let store: DocumentStore;

    beforeEach(async () => {
      subject = await openStore();
      store = subject.store;
    });

    afterEach(async () => {
      await subject.cleanup();
    });

    it('loads an unknown document as no updates', async () => {
      expect(await store.load('never-written')).toEqual([]);
    });

    it('says whether a document is stored, keeping names that are prefixes of one another apart', async () => {
      expect(await store.has('doc')).toBe(false);
      await store.append('doc', bytes(1));
      await store.append('doc/child', bytes(2));
      expect(await store.has('doc')).toBe(true);
      expect(await store.has('do')).toBe(false);
      expect(await store.has('doc/')).toBe(false);
      await store.delete('doc');
      expect(await store.has('doc')).toBe(false);
      expect(await store.has('doc/child')).toBe(true);
    });

    it('loads updates in the order they were appended, awaited one by one or issued together', async () => {
      await store.append('doc', bytes(1));
      await store.append('doc', bytes(2, 2));
      await Promise.all([3, 4, 5, 6, 7].map((n) => store.append('doc', bytes(n, n, n))));
      await store.append('doc', bytes(8));
      expect((await store.load('doc')).map((u) => u[0])).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      expect(await store.load('doc')).toEqual([
        bytes(1),
        bytes(2, 2),
        bytes(3, 3, 3),
        bytes(4, 4, 4),
        bytes(5, 5, 5),
        bytes(6, 6, 6),
        bytes(7, 7, 7),
        bytes(8),
      ]);
    });

    it('stores a copy: reusing the appended buffer afterwards changes nothing stored', async () => {
      const buffer = bytes(1, 2, 3);
      const appended = store.append('doc', buffer);
      buffer.fill(9);
      await appended;
      expect(await store.load('doc')).toEqual([bytes(1, 2, 3)]);
    });

    it('keeps documents apart, including names that are prefixes of one another', async () => {
      const names = ['a', 'a/', 'a/b', 'a/b/c', 'ab', 'b', 'doc/a', 'a\u0000b', ' ', 'a/u/x', 'a/s', 'a/m'];
      await Promise.all(names.flatMap((docName, i) => [store.append(docName, bytes(i, 0)), store.append(docName, bytes(i, 1))]));
      for (const [i, docName] of names.entries()) {
        expect(await store.load(docName), docName).toEqual([bytes(i, 0), bytes(i, 1)]);
      }
    });

    it('stores names with slashes, any Unicode and up to 255 bytes of UTF-8', async () => {
      expect(new TextEncoder().encode(NAME_255).length).toBe(255);
      const names = [
        'team/notes/2024/q1',
        '/leading/and/trailing/',
        'ノート/議事録',
        'emoji 🧪🚀 doc',
        'Ωμέγα',
        NAME_255,
        NAME_255.slice(0, -1),
      ];
      for (const [i, docName] of names.entries()) await store.append(docName, bytes(i));
      for (const [i, docName] of names.entries()) expect(await store.load(docName), docName).toEqual([bytes(i)]);
      const listed = (await store.list()).map((info) => info.name).sort();
      expect(listed).toEqual([...names].sort());
    });

    it('deletes every record of a document and nothing of the others', async () => {
      await Promise.all([store.append('gone', bytes(1)), store.append('gone/child', bytes(2)), store.append('kept', bytes(3))]);
      await store.delete('gone');
      expect(await store.load('gone')).toEqual([]);
      expect(await store.load('gone/child')).toEqual([bytes(2)]);
      expect(await store.load('kept')).toEqual([bytes(3)]);
      expect((await store.list()).map((info) => info.name).sort()).toEqual(['gone/child', 'kept']);
    });

    it('deletes an unknown document without error, and a deleted document starts afresh', async () => {
      await store.delete('never-written');
      await store.append('reborn', bytes(1));
      await store.delete('reborn');
      await store.append('reborn', bytes(2));
      expect(await store.load('reborn')).toEqual([bytes(2)]);
    });

    it('applies an append, a delete and an append issued together in that order', async () => {
      await store.append('doc', bytes(1));
      await Promise.all([store.append('doc', bytes(2)), store.delete('doc'), store.append('doc', bytes(3))]);
      expect(await store.load('doc')).toEqual([bytes(3)]);
    });

    it('lists stored documents with their size and last write time', async () => {
      expect(await store.list()).toEqual([]);
      const before = Date.now();
      await store.append('one', bytes(1, 2, 3));
      await store.append('one', bytes(4, 5));
      await store.append('two', bytes(6));
      const after = Date.now();
      const listed = new Map((await store.list()).map((info) => [info.name, info]));
      expect([...listed.keys()].sort()).toEqual(['one', 'two']);
      expect(listed.get('one')!.bytes).toBeGreaterThanOrEqual(5);
      expect(listed.get('two')!.bytes).toBeGreaterThanOrEqual(1);
      for (const info of listed.values()) {
        expect(info.problem).toBeUndefined();
        if (info.updatedAt !== null) {
          expect(info.updatedAt).toBeGreaterThanOrEqual(before);
          expect(info.updatedAt).toBeLessThanOrEqual(after);
        }
      }
    });

    it('round-trips Yjs text, map and array content exactly', async () => {
      const { doc, updates } = recordingDoc();
      editRichly(doc, 40);
      for (const update of updates) await store.append('rich', update);
      let loaded = docFromUpdates(await store.load('rich'));
      expect(visibleContent(loaded)).toEqual(visibleContent(doc));
      expect(sameState(loaded, doc)).toEqual({ content: true, stateVector: true });
      if (subject.reopen !== undefined) {
        store = await subject.reopen();
        loaded = docFromUpdates(await store.load('rich'));
        expect(sameState(loaded, doc)).toEqual({ content: true, stateVector: true });
        expect(loaded.getText('text').toString()).toBe(doc.getText('text').toString());
      }
      // The stored state is a base for further edits: a new edit on top of it applies cleanly.
      loaded.getArray('list').push(['after']);
      expect(() => Y.applyUpdate(doc, Y.encodeStateAsUpdate(loaded, Y.encodeStateVector(doc)))).not.toThrow();
      expect(doc.getArray('list').toJSON().at(-1)).toBe('after');
    });

    it('close waits for appends issued before it, is idempotent, and later calls reject', async () => {
      const issued = [store.append('doc', bytes(1)), store.append('doc', bytes(2))];
      const closing = store.close();
      await expect(Promise.all(issued)).resolves.toBeDefined();
      await closing;
      await expect(store.close()).resolves.toBeUndefined();
      await expect(store.append('doc', bytes(3))).rejects.toThrow(/closed/i);
      await expect(store.load('doc')).rejects.toThrow(/closed/i);
      if (subject.reopen !== undefined) {
        store = await subject.reopen();
        expect(await store.load('doc')).toEqual([bytes(1), bytes(2)]);
      }
    });
  });
}
