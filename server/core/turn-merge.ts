/**
 * Merges the updates a document produced in one turn, for the broadcast, without decoding them.
 *
 * Why: `Y.mergeUpdates` decodes every struct of every input and encodes them again. A turn usually
 * carries a few small updates (keystrokes, a map entry per writer), and the fan-out merges them once
 * for the receivers that sent nothing and again, without their own, for every sender: that was a
 * fifth of the server's CPU in a fan-out burst. The updates the document emits are written by Yjs
 * itself (V1 encoding, one transaction each), so their layout is known:
 *
 *   update  = varUint(clients) · clients × block · deleteSet
 *   block   = varUint(structs) · varUint(client) · varUint(firstClock) · structs (positional)
 *   deleteSet = varUint(clients) · clients × ( varUint(client) · varUint(ranges) · ranges × (varUint(clock) · varUint(len)) )
 *
 * and Yjs writes a delete set with no ranges as the single byte 0 (a non-empty one ends with a
 * range length ≥ 1, never a 0 byte). So an update that inserts under one client and deletes nothing
 * is a header and struct bytes; one that only deletes is 0 and a delete set of varUints. Such
 * pieces combine by concatenation: blocks of different clients side by side, consecutive blocks of
 * one client joined when each starts where the previous ended, delete ranges united. Anything else
 * (several clients in one transaction, inserts and deletes together, a gap) goes through
 * `Y.mergeUpdates`. Applying the result is the same as applying the inputs.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { mergeMany } from '../../shared/merge-updates.js';

/** One update the document emitted, with what the concatenation needs to know about it. */
export interface TurnUpdate {
  readonly update: Uint8Array;
  /** Its layout when it is a concatenable piece; null otherwise. */
  readonly piece: Piece | null;
}

type Piece =
  | { kind: 'structs'; client: number; start: number; end: number; count: number; body: Uint8Array }
  | { kind: 'deletes'; body: Uint8Array };

/**
 * Describes an update a Y.Doc emitted, from its 'update' event. `endClock` is the client's clock in
 * the document at that moment: Yjs wrote the client's structs up to there, and the header does not
 * say where they end.
 */
export function describeDocUpdate(update: Uint8Array, endClock: (client: number) => number | undefined): TurnUpdate {
  return { update, piece: pieceOf(update, endClock) };
}

function pieceOf(update: Uint8Array, endClock: (client: number) => number | undefined): Piece | null {
  const decoder = decoding.createDecoder(update);
  const clients = decoding.readVarUint(decoder);
  if (clients === 0) return { kind: 'deletes', body: update.subarray(decoder.pos) };
  // One client's inserts and no deletions: the last byte is the empty delete set.
  if (clients !== 1 || update[update.byteLength - 1] !== 0) return null;
  const count = decoding.readVarUint(decoder);
  const client = decoding.readVarUint(decoder);
  const start = decoding.readVarUint(decoder);
  const end = endClock(client);
  if (end === undefined || end <= start || decoder.pos >= update.byteLength - 1) return null;
  return { kind: 'structs', client, start, end, count, body: update.subarray(decoder.pos, update.byteLength - 1) };
}

/** The turn's updates as one; the input itself when there is one. */
export function mergeTurn(updates: readonly TurnUpdate[]): Uint8Array {
  if (updates.length === 1) return updates[0]!.update;
  return concatenate(updates) ?? mergeMany(updates.map((u) => u.update));
}

interface ClientRun {
  client: number;
  start: number;
  end: number;
  count: number;
  bodies: Uint8Array[];
}

/** The concatenation alone, or null when the updates do not allow it (exported for its tests). */
export function concatenate(updates: readonly TurnUpdate[]): Uint8Array | null {
  const runs = new Map<number, ClientRun>();
  const deletes = new Map<number, [clock: number, len: number][]>();
  for (const { piece } of updates) {
    if (piece === null) return null;
    if (piece.kind === 'deletes') {
      readDeletes(piece.body, deletes);
      continue;
    }
    const run = runs.get(piece.client);
    if (run === undefined) {
      runs.set(piece.client, { client: piece.client, start: piece.start, end: piece.end, count: piece.count, bodies: [piece.body] });
      continue;
    }
    // A later piece of the same client must continue exactly where the run ends.
    if (piece.start !== run.end) return null;
    run.end = piece.end;
    run.count += piece.count;
    run.bodies.push(piece.body);
  }
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, runs.size);
  for (const run of runs.values()) {
    encoding.writeVarUint(encoder, run.count);
    encoding.writeVarUint(encoder, run.client);
    encoding.writeVarUint(encoder, run.start);
    for (const body of run.bodies) encoding.writeUint8Array(encoder, body);
  }
  writeDeletes(encoder, deletes);
  return encoding.toUint8Array(encoder);
}

function readDeletes(body: Uint8Array, into: Map<number, [number, number][]>): void {
  const decoder = decoding.createDecoder(body);
  const clients = decoding.readVarUint(decoder);
  for (let i = 0; i < clients; i++) {
    const client = decoding.readVarUint(decoder);
    const ranges = decoding.readVarUint(decoder);
    let list = into.get(client);
    if (list === undefined) into.set(client, (list = []));
    for (let r = 0; r < ranges; r++) list.push([decoding.readVarUint(decoder), decoding.readVarUint(decoder)]);
  }
}

/** Sorted, overlapping and touching ranges joined: the form Yjs itself writes. */
function writeDeletes(encoder: encoding.Encoder, deletes: Map<number, [number, number][]>): void {
  encoding.writeVarUint(encoder, deletes.size);
  for (const [client, ranges] of deletes) {
    ranges.sort((a, b) => a[0] - b[0]);
    const merged: [number, number][] = [];
    for (const [clock, len] of ranges) {
      const last = merged.at(-1);
      if (last !== undefined && clock <= last[0] + last[1]) last[1] = Math.max(last[1], clock + len - last[0]);
      else merged.push([clock, len]);
    }
    encoding.writeVarUint(encoder, client);
    encoding.writeVarUint(encoder, merged.length);
    for (const [clock, len] of merged) {
      encoding.writeVarUint(encoder, clock);
      encoding.writeVarUint(encoder, len);
    }
  }
}
