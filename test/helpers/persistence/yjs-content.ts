import * as Y from 'yjs';
import { sortKeys } from '../convergence.js';

/** A Y.Doc whose every update is recorded, as a client's edits would reach the store. */
export function recordingDoc(): { doc: Y.Doc; updates: Uint8Array[] } {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => updates.push(update));
  return { doc, updates };
}

/** Text, map and array edits, including deletes and nested types, one update per edit. */
export function editRichly(doc: Y.Doc, rounds = 20): void {
  const text = doc.getText('text');
  const map = doc.getMap<unknown>('map');
  const list = doc.getArray<unknown>('list');
  for (let i = 0; i < rounds; i++) {
    text.insert(Math.min(i, text.length), `w${i} `);
    if (i % 4 === 3) text.delete(0, 2);
    if (i % 5 === 0) text.format(0, 2, { bold: true });
    map.set(`k${i % 7}`, { i, label: `value ${i}`, tags: ['x', i] });
    if (i % 6 === 5) map.delete(`k${(i + 1) % 7}`);
    list.push([i, `item ${i}`]);
    if (i % 3 === 2) list.delete(0, 1);
    if (i === 10) {
      const nested = new Y.Map<unknown>();
      list.insert(0, [nested]);
      nested.set('inner', new Y.Text('nested text'));
    }
  }
}

/** A doc built from stored updates. */
export function docFromUpdates(updates: readonly Uint8Array[]): Y.Doc {
  const doc = new Y.Doc();
  doc.transact(() => {
    for (const update of updates) Y.applyUpdate(doc, update);
  });
  return doc;
}

/** Everything a reader of the doc sees, with map keys sorted (their order differs between replicas). */
export function visibleContent(doc: Y.Doc): unknown {
  return sortKeys({
    text: doc.getText('text').toDelta(),
    map: doc.getMap('map').toJSON(),
    list: doc.getArray('list').toJSON(),
  });
}

/** Whether two docs hold the same state: same visible content and same state vector. */
export function sameState(a: Y.Doc, b: Y.Doc): { content: boolean; stateVector: boolean } {
  return {
    content: JSON.stringify(visibleContent(a)) === JSON.stringify(visibleContent(b)),
    stateVector: Buffer.from(Y.encodeStateVector(a)).equals(Buffer.from(Y.encodeStateVector(b))),
  };
}
