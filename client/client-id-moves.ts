/**
 * A provider's client ids the server said belong to another session (CLIENT_ID_TAKEN), and where
 * their edits were moved (client-id-rekey.ts): everything sent afterwards must leave the abandoned
 * ranges out and refer to the copies instead.
 *
 * Only edits this provider wrote move. Content of other writers that it merely relays (a step 2
 * after the server lost the document) is left to its owner, who holds it and is the only one the
 * server lets write it: copying it under a fresh id would duplicate it on every other replica.
 */
import * as Y from 'yjs';
import { decodeSyncFrame } from '../shared/protocol/sync.js';
import { type ClientMove, rekeyClient, remapMoved, stateVectorWithAbandoned, withoutAbandoned } from './client-id-rekey.js';

export class ClientIdMoves {
  /** Client ids another session owns, with our clock there: never offered again. */
  private readonly abandoned = new Map<number, number>();
  private readonly moves: ClientMove[] = [];
  /** The ids edits were moved to: ours. */
  readonly fresh: number[] = [];

  /** A local update as it must be sent. */
  outgoing(doc: Y.Doc, update: Uint8Array): Uint8Array {
    return remapMoved(doc, update, this.moves);
  }

  /** The server's state vector, claiming the abandoned ranges, so diffs against it leave them out. */
  serverState(stateVector: Uint8Array): Uint8Array {
    return stateVectorWithAbandoned(stateVector, this.abandoned);
  }

  /** Queued updates as they must be sent now: abandoned ranges left out, references remapped. */
  rest(doc: Y.Doc, update: Uint8Array): Uint8Array {
    return remapMoved(doc, withoutAbandoned(update, this.abandoned), this.moves);
  }

  /**
   * The server refused to take `ids` from us (another writer's content we relayed; its owner sends
   * it): what we hold of them is never offered again. Nothing moves, so no replica sees a copy.
   * Returns whether anything more is left out now.
   */
  leaveToOwners(doc: Y.Doc, ids: readonly number[]): boolean {
    let more = false;
    for (const id of ids) {
      const before = this.abandoned.get(id) ?? 0;
      const now = Math.max(before, Y.getState(doc.store, id));
      if (now > before) more = true;
      this.abandoned.set(id, now);
    }
    return more;
  }

  /**
   * The server refused `frame` for writing under `taken` ids: copies those edits to a fresh id
   * (applied to `doc` with `origin`) and returns the copies to send; empty when nothing moved.
   */
  moveOff(doc: Y.Doc, frame: Uint8Array, taken: readonly number[], origin: unknown): Uint8Array[] {
    let from: Map<number, number>;
    try {
      from = Y.parseUpdateMeta(decodeSyncFrame(frame).payload).from;
    } catch {
      return [];
    }
    const copies: Uint8Array[] = [];
    for (const id of taken) {
      const fromClock = from.get(id);
      if (fromClock === undefined || (this.abandoned.get(id) ?? -1) >= fromClock) continue;
      const moved = rekeyClient(doc, id, fromClock, origin);
      if (moved === null) continue;
      this.abandoned.set(id, moved.end);
      this.moves.push(moved);
      copies.push(moved.update);
      this.fresh.push(moved.fresh);
    }
    return copies;
  }
}
