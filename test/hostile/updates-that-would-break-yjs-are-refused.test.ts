import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { QuireDocument } from '../../server/core/document.js';
import type { ConnectionRef } from '../../server/core/origins.js';
import { updateProblem } from '../../server/core/update-validation.js';
import { MemoryStore } from '../../server/persistence/memory-store.js';
import { snapshotOf } from '../helpers/convergence.js';

/**
 * 93 bytes found by the hostile suite (a bit-flipped update): a struct of length 0 and items whose
 * origin is a later clock of their own client. Yjs throws halfway through applying it and the
 * Y.Doc is left broken for good: every later encode or update throws.
 */
const docBreaker = Buffer.from(
  '0107b793bffe010004010474657874016581b793bffe01000084b793bffe010401662801036d6170016b017844b7d3bffe01000161c1b793bffe0107b793bffe010004c4b793bffe010bb793bffe0100016601b793bffe010201040804',
  'hex',
);

const writer: ConnectionRef = { id: 'writer', access: 'write', sessionKey: 'writer-session-key' };

type Write = (encoder: encoding.Encoder) => void;

/** A V1 update written by hand: one client's structs, then a delete set. */
function handWritten(client: number, structs: Write[], deletes: [number, [number, number][]][] = []): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, structs.length > 0 ? 1 : 0);
  if (structs.length > 0) {
    encoding.writeVarUint(encoder, structs.length);
    encoding.writeVarUint(encoder, client);
    encoding.writeVarUint(encoder, 0);
    for (const write of structs) write(encoder);
  }
  encoding.writeVarUint(encoder, deletes.length);
  for (const [deleteClient, ranges] of deletes) {
    encoding.writeVarUint(encoder, deleteClient);
    encoding.writeVarUint(encoder, ranges.length);
    for (const [clock, len] of ranges) {
      encoding.writeVarUint(encoder, clock);
      encoding.writeVarUint(encoder, len);
    }
  }
  return encoding.toUint8Array(encoder);
}

// Item info byte: content kind in the low bits, 0x80 when an origin follows.
const rootText =
  (text: string): Write =>
  (e) => {
    encoding.writeUint8(e, 4);
    encoding.writeVarUint(e, 1);
    encoding.writeVarString(e, 'text');
    encoding.writeVarString(e, text);
  };
const textAfter =
  (client: number, clock: number, text: string): Write =>
  (e) => {
    encoding.writeUint8(e, 4 | 0x80);
    encoding.writeVarUint(e, client);
    encoding.writeVarUint(e, clock);
    encoding.writeVarString(e, text);
  };
const deletedAfter =
  (client: number, clock: number, length: number): Write =>
  (e) => {
    encoding.writeUint8(e, 1 | 0x80);
    encoding.writeVarUint(e, client);
    encoding.writeVarUint(e, clock);
    encoding.writeVarUint(e, length);
  };

describe('updates that would break a Y.Doc are refused before they touch the document', () => {
  it('a plain Y.Doc is broken for good by the update the hostile suite found', () => {
    const doc = new Y.Doc();
    expect(() => Y.applyUpdate(doc, docBreaker)).toThrow();
    expect(() => Y.encodeStateAsUpdate(doc)).toThrow();
  });

  it('the server refuses it with MALFORMED_UPDATE and the document stays unchanged and healthy', async () => {
    const store = new MemoryStore();
    const document = new QuireDocument('doc', store, { broadcast() {}, sendTo() {} });
    const honest = new Y.Doc();
    honest.getText('text').insert(0, 'hello');
    await document.applyClientUpdate(writer, Y.encodeStateAsUpdate(honest));
    const before = snapshotOf(document.ydoc);
    await expect(document.applyClientUpdate(writer, docBreaker)).rejects.toMatchObject({ code: 'MALFORMED_UPDATE' });
    expect(snapshotOf(document.ydoc)).toBe(before);
    const sv = Y.encodeStateVector(honest);
    honest.getText('text').insert(5, ' world');
    await document.applyClientUpdate(writer, Y.encodeStateAsUpdate(honest, sv));
    expect(document.ydoc.getText('text').toString()).toBe('hello world');
    const reloaded = new Y.Doc();
    for (const update of await store.load('doc')) Y.applyUpdate(reloaded, update);
    expect(snapshotOf(reloaded)).toBe(snapshotOf(document.ydoc));
    document.destroy();
  });

  it('names what is wrong: empty structs, forward references, bad delete ranges, a client twice', () => {
    expect(updateProblem(handWritten(7, [rootText('ab'), deletedAfter(7, 1, 0), textAfter(7, 1, 'c')]))).toMatch(/length 0/);
    expect(updateProblem(handWritten(7, [rootText('ab'), textAfter(7, 5, 'cd')]))).toMatch(/forward origin/);
    expect(
      updateProblem(
        handWritten(
          7,
          [],
          [
            [
              9,
              [
                [5, 2],
                [1, 2],
              ],
            ],
          ],
        ),
      ),
    ).toMatch(/delete range/);
    expect(
      updateProblem(
        handWritten(
          7,
          [],
          [
            [
              9,
              [
                [1, 4],
                [2, 2],
              ],
            ],
          ],
        ),
      ),
    ).toMatch(/delete range/);
    expect(updateProblem(handWritten(7, [], [[9, [[1, 0]]]]))).toMatch(/delete range/);
    expect(updateProblem(handWritten(7, [], [[9, [[1, 2 ** 53]]]]))).toMatch(/delete range/);
    // Client 7 twice: "ab" at clocks 0–1, then again a block starting at clock 0.
    const twice = encoding.createEncoder();
    encoding.writeVarUint(twice, 3);
    for (const [client, write] of [
      [7, rootText('ab')],
      [8, rootText('c')],
      [7, rootText('d')],
    ] as const) {
      encoding.writeVarUint(twice, 1);
      encoding.writeVarUint(twice, client);
      encoding.writeVarUint(twice, 0);
      write(twice);
    }
    encoding.writeVarUint(twice, 0);
    expect(updateProblem(encoding.toUint8Array(twice))).toMatch(/appears twice/);
    expect(updateProblem(handWritten(7, [rootText('ab'), textAfter(7, 1, 'c')]))).toBeNull();
    expect(updateProblem(docBreaker)).not.toBeNull();
  });

  it('accepts everything Yjs itself writes: edits, deletes, formats, nested types, diffs and merges', () => {
    const a = new Y.Doc();
    const b = new Y.Doc();
    const updates: Uint8Array[] = [];
    a.on('update', (update: Uint8Array) => updates.push(update));
    const text = a.getText('text');
    text.insert(0, 'hello world');
    text.format(0, 5, { bold: true });
    text.delete(2, 3);
    text.insert(4, '🙂 é');
    const nested = new Y.Map<unknown>();
    a.getArray('array').push([nested, 1, 'two', { three: [3] }, new Uint8Array([4])]);
    nested.set('k', new Y.Text('inner'));
    a.getMap('map').set('x', 1);
    a.getMap('map').set('x', 2);
    a.getMap('map').delete('x');
    const xml = a.getXmlFragment('xml');
    xml.insert(0, [new Y.XmlElement('p')]);
    b.getText('text').insert(0, 'concurrent ');
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
    const all = [...updates, Y.encodeStateAsUpdate(a), Y.mergeUpdates(updates), Y.encodeStateAsUpdate(a, Y.encodeStateVector(b))];
    // A diff from the middle of an item starts with an offset struct.
    const midItem = encoding.createEncoder();
    encoding.writeVarUint(midItem, 1);
    encoding.writeVarUint(midItem, a.clientID);
    encoding.writeVarUint(midItem, 3);
    all.push(Y.encodeStateAsUpdate(a, encoding.toUint8Array(midItem)));
    for (const update of all) expect(updateProblem(update)).toBeNull();
  });
});
