import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import { type BusMessage, decodeBusMessage, encodeBusMessage } from '../../server/cluster/bus-messages.js';

const update = {
  kind: 'update',
  node: 'n~1',
  docName: 'doc',
  sentAt: 1,
  firstSeq: 5,
  updates: [new Uint8Array([1, 2])],
} satisfies BusMessage;

describe('bus update messages', () => {
  it('carry the incarnation of the rows they name', () => {
    const message = { ...update, incarnation: '0b9f2a56-0000-4000-8000-000000000000' };
    expect(decodeBusMessage(encodeBusMessage(message))).toEqual(message);
  });

  it('from older nodes, without one, still decode (as of no known incarnation)', () => {
    const encoder = encoding.createEncoder();
    for (const value of [0]) encoding.writeVarUint(encoder, value);
    encoding.writeVarString(encoder, update.node);
    encoding.writeVarString(encoder, update.docName);
    for (const value of [update.sentAt, update.firstSeq, 1]) encoding.writeVarUint(encoder, value);
    encoding.writeVarUint8Array(encoder, update.updates[0]!);
    const decoded = decodeBusMessage(encoding.toUint8Array(encoder));
    expect(decoded).toEqual(update);
    expect(decoded && 'incarnation' in decoded).toBe(false);
  });
});
