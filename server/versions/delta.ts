/**
 * Smaller deltas: `Y.diffUpdate(state, previousStateVector)` carries the structs added since the
 * previous version and the document's *whole* delete set. Deletions only grow, so the previous
 * version's delete set is already in the chain; this rewrites a delta's delete set to what was
 * deleted since (on automerge-paper the delete set is most of each delta).
 *
 * Yjs exports no delete-set encoder, so this reads the V1 update format with lib0 (the layout of
 * yjs/src/utils/encoding.js and the struct `write` methods): skip the struct section to find
 * where the delete set starts, then write the trimmed one in the same encoding:
 *
 *   structs:    varUint clients, per client: varUint count, varUint client, varUint clock, structs
 *   struct:     info u8; GC (ref 0): varUint len; Skip (ref 10): varUint len; Item: [origin ID]
 *               [right origin ID] [parent: varUint isKey, key string | ID] [parentSub string] content
 *   delete set: varUint clients, per client: varUint client, varUint count, (varUint clock, varUint len)*
 *
 * Anything it does not recognise makes it return the delta unchanged: correct, only larger.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';

type Ranges = Map<number, Array<[number, number]>>;

/** `delta` with its delete set reduced to what `previousSnapshot` (Y.encodeSnapshot) did not delete. */
export function trimDeleteSet(delta: Uint8Array, previousSnapshot: Uint8Array): Uint8Array {
  try {
    const decoder = decoding.createDecoder(delta);
    skipStructs(decoder);
    const structEnd = decoder.pos;
    const deleted = readDeleteSet(decoder);
    if (decoding.hasContent(decoder)) return delta;
    const before = previousDeletes(previousSnapshot);
    const encoder = encoding.createEncoder();
    encoding.writeUint8Array(encoder, delta.subarray(0, structEnd));
    writeDeleteSet(encoder, subtract(deleted, before));
    const trimmed = encoding.toUint8Array(encoder);
    return trimmed.byteLength < delta.byteLength ? trimmed : delta;
  } catch {
    return delta;
  }
}

function skipStructs(decoder: decoding.Decoder): void {
  const clients = decoding.readVarUint(decoder);
  for (let c = 0; c < clients; c++) {
    const count = decoding.readVarUint(decoder);
    decoding.readVarUint(decoder); // client
    decoding.readVarUint(decoder); // clock
    for (let s = 0; s < count; s++) skipStruct(decoder);
  }
}

function skipStruct(decoder: decoding.Decoder): void {
  const info = decoding.readUint8(decoder);
  const ref = info & 0b11111;
  if (ref === 0 || ref === 10) {
    decoding.readVarUint(decoder); // GC or Skip length
    return;
  }
  const hasOrigin = (info & 0b1000_0000) !== 0;
  const hasRightOrigin = (info & 0b0100_0000) !== 0;
  if (hasOrigin) skipId(decoder);
  if (hasRightOrigin) skipId(decoder);
  if (!hasOrigin && !hasRightOrigin) {
    if (decoding.readVarUint(decoder) === 1)
      decoding.readVarString(decoder); // root key
    else skipId(decoder); // parent item
    if ((info & 0b0010_0000) !== 0) decoding.readVarString(decoder); // parentSub
  }
  skipContent(decoder, ref);
}

function skipId(decoder: decoding.Decoder): void {
  decoding.readVarUint(decoder);
  decoding.readVarUint(decoder);
}

function skipContent(decoder: decoding.Decoder, ref: number): void {
  switch (ref) {
    case 1: // deleted
      decoding.readVarUint(decoder);
      return;
    case 2: {
      // JSON
      const length = decoding.readVarUint(decoder);
      for (let i = 0; i < length; i++) decoding.readVarString(decoder);
      return;
    }
    case 3: // binary
      decoding.readVarUint8Array(decoder);
      return;
    case 4: // string
    case 5: // embed
      decoding.readVarString(decoder);
      return;
    case 6: // format: key, value
      decoding.readVarString(decoder);
      decoding.readVarString(decoder);
      return;
    case 7: {
      // type; XmlElement (3) and XmlHook (5) carry a name
      const typeRef = decoding.readVarUint(decoder);
      if (typeRef === 3 || typeRef === 5) decoding.readVarString(decoder);
      return;
    }
    case 8: {
      // any
      const length = decoding.readVarUint(decoder);
      for (let i = 0; i < length; i++) decoding.readAny(decoder);
      return;
    }
    case 9: // subdocument: guid, options
      decoding.readVarString(decoder);
      decoding.readAny(decoder);
      return;
    default:
      throw new Error(`unknown content ${ref}`);
  }
}

function readDeleteSet(decoder: decoding.Decoder): Ranges {
  const ranges: Ranges = new Map();
  const clients = decoding.readVarUint(decoder);
  for (let c = 0; c < clients; c++) {
    const client = decoding.readVarUint(decoder);
    const count = decoding.readVarUint(decoder);
    const list = ranges.get(client) ?? [];
    for (let i = 0; i < count; i++) {
      const clock = decoding.readVarUint(decoder);
      list.push([clock, clock + decoding.readVarUint(decoder)]);
    }
    ranges.set(client, list);
  }
  return normalize(ranges);
}

function previousDeletes(snapshot: Uint8Array): Ranges {
  const ranges: Ranges = new Map();
  const { ds } = Y.decodeSnapshot(snapshot) as unknown as { ds: { clients: Map<number, Array<{ clock: number; len: number }>> } };
  for (const [client, items] of ds.clients)
    ranges.set(
      client,
      items.map(({ clock, len }) => [clock, clock + len]),
    );
  return normalize(ranges);
}

/** Sorted, merged [start, end) ranges per client. */
function normalize(ranges: Ranges): Ranges {
  for (const [client, list] of ranges) {
    list.sort((a, b) => a[0] - b[0]);
    const merged: Array<[number, number]> = [];
    for (const [start, end] of list) {
      const last = merged.at(-1);
      if (last !== undefined && start <= last[1]) last[1] = Math.max(last[1], end);
      else merged.push([start, end]);
    }
    ranges.set(client, merged);
  }
  return ranges;
}

function subtract(from: Ranges, remove: Ranges): Ranges {
  const result: Ranges = new Map();
  for (const [client, list] of from) {
    const holes = remove.get(client) ?? [];
    const kept: Array<[number, number]> = [];
    let h = 0;
    for (const [start, end] of list) {
      let cursor = start;
      while (h < holes.length && holes[h]![1] <= cursor) h++;
      for (let i = h; i < holes.length && holes[i]![0] < end; i++) {
        const [holeStart, holeEnd] = holes[i]!;
        if (holeStart > cursor) kept.push([cursor, holeStart]);
        cursor = Math.max(cursor, holeEnd);
      }
      if (cursor < end) kept.push([cursor, end]);
    }
    if (kept.length > 0) result.set(client, kept);
  }
  return result;
}

function writeDeleteSet(encoder: encoding.Encoder, ranges: Ranges): void {
  encoding.writeVarUint(encoder, ranges.size);
  for (const [client, list] of ranges) {
    encoding.writeVarUint(encoder, client);
    encoding.writeVarUint(encoder, list.length);
    for (const [start, end] of list) {
      encoding.writeVarUint(encoder, start);
      encoding.writeVarUint(encoder, end - start);
    }
  }
}
