import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { type TurnUpdate, concatenate, describeDocUpdate, mergeTurn } from '../../server/core/turn-merge.js';

/** A deterministic generator, so a failure replays. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/**
 * Writers edit their own replicas (text inserts and deletes, map entries, array pushes, mixed
 * transactions) and send each change to a server document, which emits the updates the fan-out
 * merges. Returns the server's emitted updates, described as the document describes them.
 */
function emittedUpdates(seed: number, steps: number): { server: Y.Doc; emitted: TurnUpdate[] } {
  const next = random(seed);
  const server = new Y.Doc();
  const emitted: TurnUpdate[] = [];
  server.on('update', (update: Uint8Array) => {
    emitted.push(describeDocUpdate(update, (client) => Y.getState(server.store, client)));
  });
  const writers = Array.from({ length: 4 }, () => new Y.Doc());
  for (const writer of writers) Y.applyUpdate(writer, Y.encodeStateAsUpdate(server));
  for (let step = 0; step < steps; step++) {
    const writer = writers[Math.floor(next() * writers.length)]!;
    // Catch the writer up now and then, so its edits build on the others'.
    if (next() < 0.3) Y.applyUpdate(writer, Y.encodeStateAsUpdate(server, Y.encodeStateVector(writer)));
    const before = Y.encodeStateVector(writer);
    const text = writer.getText('text');
    const choice = next();
    writer.transact(() => {
      if (choice < 0.45 || text.length === 0)
        text.insert(Math.floor(next() * (text.length + 1)), 'ab'.slice(0, 1 + Math.floor(next() * 2)));
      else if (choice < 0.7) text.delete(Math.floor(next() * text.length), 1);
      else if (choice < 0.8) writer.getMap('map').set(`k${Math.floor(next() * 5)}`, step);
      else if (choice < 0.9) writer.getArray('list').push([step]);
      else {
        text.insert(0, 'x');
        if (text.length > 1) text.delete(text.length - 1, 1);
      }
    });
    Y.applyUpdate(server, Y.encodeStateAsUpdate(writer, before));
  }
  return { server, emitted };
}

function contentOf(doc: Y.Doc): unknown {
  return { text: doc.getText('text').toString(), map: doc.getMap('map').toJSON(), list: doc.getArray('list').toJSON() };
}

describe('a turn merged by concatenation is the same as Y.mergeUpdates', () => {
  it('replicas fed turn merges of random windows hold exactly the server document', () => {
    let concatenable = 0;
    let concatenated = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const { server, emitted } = emittedUpdates(seed, 300);
      const next = random(seed * 7);
      const viaTurns = new Y.Doc();
      const viaYjs = new Y.Doc();
      for (let i = 0; i < emitted.length; ) {
        const window = emitted.slice(i, i + 1 + Math.floor(next() * 12));
        i += window.length;
        if (window.length > 1 && window.every((u) => u.piece !== null)) concatenable++;
        if (window.length > 1 && concatenate(window) !== null) concatenated++;
        Y.applyUpdate(viaTurns, mergeTurn(window));
        Y.applyUpdate(viaYjs, Y.mergeUpdates(window.map((u) => u.update)));
      }
      expect(contentOf(viaTurns)).toEqual(contentOf(server));
      expect(Y.encodeStateVector(viaTurns)).toEqual(Y.encodeStateVector(server));
      expect(Y.encodeStateAsUpdate(viaTurns)).toEqual(Y.encodeStateAsUpdate(viaYjs));
      expect(viaTurns.store.pendingStructs).toBeNull();
      expect(viaTurns.store.pendingDs).toBeNull();
    }
    // The fast path is what is under test: every window of single-client inserts and pure
    // deletions takes it (the server emits each client's inserts contiguously).
    expect(concatenated).toBe(concatenable);
    expect(concatenated).toBeGreaterThan(200);
  });

  it('the updates of a turn without one sender (what that sender receives) apply like their Yjs merge', () => {
    const { emitted } = emittedUpdates(99, 200);
    for (let i = 0; i + 8 <= emitted.length; i += 8) {
      const turn = emitted.slice(i, i + 8);
      for (let skip = 0; skip < turn.length; skip++) {
        const others = turn.filter((_, j) => j !== skip);
        const base = new Y.Doc();
        for (const update of emitted.slice(0, i)) Y.applyUpdate(base, update.update);
        const a = new Y.Doc();
        const b = new Y.Doc();
        Y.applyUpdate(a, Y.encodeStateAsUpdate(base));
        Y.applyUpdate(b, Y.encodeStateAsUpdate(base));
        Y.applyUpdate(a, mergeTurn(others));
        Y.applyUpdate(b, Y.mergeUpdates(others.map((u) => u.update)));
        expect(Y.encodeStateAsUpdate(a)).toEqual(Y.encodeStateAsUpdate(b));
      }
    }
  });

  it('falls back to Y.mergeUpdates for updates it cannot concatenate', () => {
    const doc = new Y.Doc();
    const emitted: TurnUpdate[] = [];
    doc.on('update', (update: Uint8Array) => emitted.push(describeDocUpdate(update, (c) => Y.getState(doc.store, c))));
    doc.getText('t').insert(0, 'hello');
    // Inserts and deletes in one transaction: not a concatenable piece.
    doc.transact(() => {
      doc.getText('t').insert(5, '!');
      doc.getText('t').delete(0, 1);
    });
    expect(emitted[1]!.piece).toBeNull();
    expect(concatenate(emitted)).toBeNull();
    const replica = new Y.Doc();
    Y.applyUpdate(replica, mergeTurn(emitted));
    expect(replica.getText('t').toString()).toBe('ello!');
  });
});
