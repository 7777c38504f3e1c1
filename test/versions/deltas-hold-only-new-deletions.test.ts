import * as prng from 'lib0/prng';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { trimDeleteSet } from '../../server/versions/delta.js';
import { allContent, docOf, randomEdits } from '../helpers/random-edits.js';

describe('version deltas', () => {
  it('carry only the deletions since the previous version, and still rebuild every state exactly', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const gen = prng.create(seed);
      const live = new Y.Doc({ gc: true });
      randomEdits(gen, live, 40);
      let previous = Y.encodeStateAsUpdate(live);
      let previousSnapshot = Y.encodeSnapshot(Y.snapshot(live));
      const chain = [previous];
      for (let step = 0; step < 5; step++) {
        randomEdits(gen, live, prng.int32(gen, 1, 30));
        const state = Y.encodeStateAsUpdate(live);
        const full = Y.diffUpdate(state, Y.encodeStateVectorFromUpdate(previous));
        const trimmed = trimDeleteSet(full, previousSnapshot);
        expect(trimmed.byteLength).toBeLessThanOrEqual(full.byteLength);
        chain.push(trimmed);
        const rebuilt = docOf(Y.mergeUpdates(chain));
        const expected = docOf(state);
        expect(allContent(rebuilt), `seed ${seed} step ${step}`).toEqual(allContent(expected));
        expect(Y.equalSnapshots(Y.snapshot(rebuilt), Y.snapshot(expected)), `seed ${seed} step ${step}`).toBe(true);
        previous = state;
        previousSnapshot = Y.encodeSnapshot(Y.snapshot(live));
      }
    }
  });

  it('shrink on a document with many deletions', () => {
    const doc = new Y.Doc({ gc: true });
    const text = doc.getText('text');
    for (let i = 0; i < 2_000; i++) {
      text.insert(0, `word${i} `);
      if (i % 2 === 1) text.delete(0, 3);
    }
    const before = Y.encodeStateAsUpdate(doc);
    const snapshot = Y.encodeSnapshot(Y.snapshot(doc));
    text.insert(0, 'one more');
    const full = Y.diffUpdate(Y.encodeStateAsUpdate(doc), Y.encodeStateVectorFromUpdate(before));
    expect(trimDeleteSet(full, snapshot).byteLength * 10).toBeLessThan(full.byteLength);
  });

  it('are left as they are when they cannot be read', () => {
    const garbage = new Uint8Array([1, 2, 3, 200, 7]);
    expect(trimDeleteSet(garbage, Y.encodeSnapshot(Y.emptySnapshot))).toBe(garbage);
  });
});
