import * as prng from 'lib0/prng';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { DocumentStore } from '../../../server/persistence/types.js';
import { VersionChain } from '../../../server/versions/chain.js';
import type { VersionRecord, VersionRecordStore } from '../../../server/versions/types.js';
import { allContent, docOf, randomEdits } from '../random-edits.js';
import type { StoreUnderTest } from './store-contract.js';

/** A live document (gc on, like the server's) and the full states of the versions taken of it. */
function history(seed: number, versions: number, editsPerVersion: number): { states: Uint8Array[]; snapshots: Uint8Array[] } {
  const gen = prng.create(seed);
  const live = new Y.Doc({ gc: true });
  const states: Uint8Array[] = [];
  const snapshots: Uint8Array[] = [];
  for (let i = 0; i < versions; i++) {
    randomEdits(gen, live, prng.int32(gen, 1, editsPerVersion));
    states.push(Y.encodeStateAsUpdate(live));
    snapshots.push(Y.encodeSnapshot(Y.snapshot(live)));
  }
  return { states, snapshots };
}

/** The same content and the same state vector as the state it was taken from. */
function expectSameState(actual: Uint8Array, expected: Uint8Array): void {
  const a = docOf(actual);
  const b = docOf(expected);
  expect(allContent(a)).toEqual(allContent(b));
  expect(Y.encodeStateVector(a)).toEqual(Y.encodeStateVector(b));
  expect(Y.equalSnapshots(Y.snapshot(a), Y.snapshot(b))).toBe(true);
}

async function addAll(chain: VersionChain, doc: string, states: Uint8Array[], snapshots: Uint8Array[]): Promise<VersionRecord[]> {
  const added: VersionRecord[] = [];
  for (const [i, state] of states.entries()) {
    added.push(
      await chain.exclusive(doc, () =>
        chain.add(doc, state, snapshots[i]!, { kind: 'auto', name: null, authors: [`a${i}`], restoreOf: null }),
      ),
    );
  }
  return added;
}

/** The behaviour every store's version records must have, through the shared keyframe/delta chain. */
export function describeVersionStoreContract(name: string, openStore: () => Promise<StoreUnderTest>): void {
  describe(`${name} keeps versions`, () => {
    let subject: StoreUnderTest;
    let store: DocumentStore;
    let records: VersionRecordStore;
    let chain: VersionChain;

    beforeEach(async () => {
      subject = await openStore();
      store = subject.store;
      records = store.versions!;
      chain = new VersionChain(records);
    });

    afterEach(async () => {
      await subject.cleanup();
    });

    it('lists no versions for a document that has none', async () => {
      expect(await records.listVersions('none')).toEqual([]);
      expect(await chain.read('none', 1)).toBeNull();
    });

    it('reconstructs every version of a delta chain exactly, with keyframes when deltas outgrow the state', async () => {
      for (const seed of [1, 2, 3, 4, 5]) {
        const doc = `chain-${seed}`;
        const { states, snapshots } = history(seed, 30, 12);
        const added = await addAll(chain, doc, states, snapshots);
        expect(added.map((v) => v.id)).toEqual(states.map((_, i) => i + 1));
        expect(added[0]!.payload).toBe('keyframe');
        expect(added.some((v) => v.payload === 'delta')).toBe(true);
        for (const [i, state] of states.entries()) expectSameState((await chain.read(doc, i + 1))!, state);
        const listed = await records.listVersions(doc);
        expect(listed.map((v) => [v.id, v.kind, v.authors])).toEqual(added.map((v) => [v.id, 'auto', v.authors]));
      }
    });

    it('reconstructs the remaining versions exactly after thinning removes any of them', async () => {
      for (const seed of [11, 12, 13]) {
        const doc = `thin-${seed}`;
        const gen = prng.create(seed);
        const { states, snapshots } = history(seed, 25, 10);
        await addAll(chain, doc, states, snapshots);
        const doomed = states.map((_, i) => i + 1).filter(() => prng.bool(gen));
        await chain.exclusive(doc, () => chain.remove(doc, doomed));
        const kept = (await records.listVersions(doc)).map((v) => v.id);
        expect(kept).toEqual(states.map((_, i) => i + 1).filter((id) => !doomed.includes(id)));
        for (const id of kept) expectSameState((await chain.read(doc, id))!, states[id - 1]!);
      }
    });

    it('renames a version without changing its content', async () => {
      const { states, snapshots } = history(21, 3, 5);
      await addAll(chain, 'named', states, snapshots);
      await chain.exclusive('named', () => chain.rename('named', 2, 'Draft for review'));
      expect((await records.listVersions('named')).map((v) => v.name)).toEqual([null, 'Draft for review', null]);
      expectSameState((await chain.read('named', 2))!, states[1]!);
      expect(await chain.exclusive('named', () => chain.rename('named', 9, 'x'))).toBeNull();
    });

    it('keeps versions of one document apart from another and from the document log', async () => {
      const a = history(31, 3, 5);
      const b = history(32, 2, 5);
      await addAll(chain, 'a', a.states, a.snapshots);
      await addAll(chain, 'a/b', b.states, b.snapshots);
      await store.append('a', a.states[2]!);
      expect(await records.listVersions('a')).toHaveLength(3);
      expect(await records.listVersions('a/b')).toHaveLength(2);
      expect(await store.load('a')).toHaveLength(1);
      expect((await store.list()).map((d) => d.name)).toEqual(['a']);
    });

    it('deleting a document deletes its versions', async () => {
      const { states, snapshots } = history(41, 4, 5);
      await store.append('gone', states[3]!);
      await addAll(chain, 'gone', states, snapshots);
      await store.delete('gone');
      expect(await records.listVersions('gone')).toEqual([]);
      expect(await store.load('gone')).toEqual([]);
    });

    it('keeps versions across a reopen', async () => {
      if (subject.reopen === undefined) return;
      const { states, snapshots } = history(51, 8, 8);
      await addAll(chain, 'kept', states, snapshots);
      store = await subject.reopen();
      chain = new VersionChain(store.versions!);
      expect((await store.versions!.listVersions('kept')).map((v) => v.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      for (const [i, state] of states.entries()) expectSameState((await chain.read('kept', i + 1))!, state);
    });
  });
}
