import * as prng from 'lib0/prng';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { rekeyClient, remapMoved } from '../../client/client-id-rekey.js';
import { snapshotOf } from '../helpers/convergence.js';

/** Random edits of every kind a binding makes: text with formats, maps, arrays, XML, nested types. */
function edit(doc: Y.Doc, gen: prng.PRNG): void {
  const text = doc.getText('text');
  const map = doc.getMap('map');
  const array = doc.getArray<unknown>('array');
  const xml = doc.getXmlFragment('xml');
  switch (prng.int32(gen, 0, 7)) {
    case 0:
      text.insert(prng.int32(gen, 0, text.length), prng.word(gen, 1, 6), prng.bool(gen) ? { bold: true } : {});
      break;
    case 1:
      if (text.length > 2) text.delete(prng.int32(gen, 0, text.length - 2), 1);
      break;
    case 2:
      if (text.length > 2) text.format(0, prng.int32(gen, 1, text.length), { italic: prng.bool(gen) ? true : null });
      break;
    case 3:
      map.set(prng.word(gen, 1, 2), prng.bool(gen) ? prng.int32(gen, 0, 99) : { nested: prng.word(gen, 1, 3) });
      break;
    case 4:
      array.insert(prng.int32(gen, 0, array.length), [prng.word(gen, 1, 3), new Uint8Array([1, 2, 3])]);
      break;
    case 5:
      if (array.length > 0) array.delete(prng.int32(gen, 0, array.length - 1), 1);
      break;
    case 6: {
      const element = new Y.XmlElement(prng.bool(gen) ? 'p' : 'h1');
      element.insert(0, [new Y.XmlText(prng.word(gen, 1, 5))]);
      xml.insert(prng.int32(gen, 0, xml.length), [element]);
      break;
    }
    default: {
      const nested = new Y.Map<unknown>();
      nested.set('k', prng.word(gen, 1, 3));
      map.set('nested', nested);
      if (map.get('nested') instanceof Y.Map) (map.get('nested') as Y.Map<unknown>).set('k2', 1);
    }
  }
}

describe('moving unsent edits to a fresh client id keeps the document as the user sees it', () => {
  for (const seed of Array.from({ length: 40 }, (_, i) => i + 1)) {
    it(`the local document is unchanged and a replica that never had the refused edits ends up equal (seed ${seed})`, () => {
      const gen = prng.create(seed);
      const doc = new Y.Doc();
      doc.clientID = 1_000_000 + seed;
      const taken = doc.clientID;
      for (let i = 0; i < 30; i++) edit(doc, gen);
      // The server has everything up to here (acknowledged earlier).
      const acknowledged = Y.encodeStateAsUpdate(doc);
      const fromClock = Y.getState(doc.store, taken);
      for (let i = 0; i < 60; i++) edit(doc, gen);
      const before = snapshotOf(doc);

      const moved = rekeyClient(doc, taken, fromClock, 'rekey');
      expect(moved).not.toBeNull();
      expect(doc.clientID).toBe(moved!.fresh);
      expect(moved!.fresh).toBeGreaterThan(taken);
      expect(snapshotOf(doc)).toBe(before);

      const replica = new Y.Doc();
      // Roots show in toJSON once accessed with their type (snapshotOf covers the others).
      replica.getXmlFragment('xml');
      Y.applyUpdate(replica, acknowledged);
      Y.applyUpdate(replica, moved!.update);
      expect(snapshotOf(replica)).toBe(before);
      expect(replica.getXmlFragment('xml').toString()).toBe(doc.getXmlFragment('xml').toString());
      expect(replica.store.pendingStructs).toBeNull();

      // Edits after the move go out under the fresh id, referring to the copies, and apply on the replica.
      const sv = Y.encodeStateVector(doc);
      for (let i = 0; i < 10; i++) edit(doc, gen);
      Y.applyUpdate(replica, remapMoved(doc, Y.encodeStateAsUpdate(doc, sv), [moved!]));
      expect(replica.store.pendingStructs).toBeNull();
      expect(snapshotOf(replica)).toBe(snapshotOf(doc));
    });
  }
});
