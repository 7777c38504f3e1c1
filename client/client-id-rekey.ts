/**
 * Moves a document's unsent edits from a Yjs client id the server says belongs to another session
 * (CLIENT_ID_TAKEN) to a fresh id, so that nothing the user wrote is lost.
 *
 * Yjs cannot rename a client, so the structs are re-encoded: the refused range of the taken id is
 * copied under the fresh id (every reference into that range follows it), the copies are applied
 * locally and the originals deleted locally, in one transaction. The visible document does not
 * change; the server and every other replica get the copies. The fresh id is chosen above the
 * taken one, so that where a copy and its original compete for one position (a map key), the copy
 * wins, as Yjs orders concurrent inserts by client id.
 *
 * Happens only when the id really is someone else's (a forged or colliding id), or when a provider
 * carries edits written by a session the server no longer accepts for it.
 */
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';

type Struct = ReturnType<typeof Y.decodeUpdate>['structs'][number];

const UINT32 = 2 ** 32;

function freshIdAbove(taken: number, used: (id: number) => boolean): number {
  for (;;) {
    const room = UINT32 - taken - 1;
    const id = room > 1_000 ? taken + 1 + Math.floor(Math.random() * room) : UINT32 + Math.floor(Math.random() * UINT32);
    if (!used(id)) return id;
  }
}

/** Re-encodes `update` with the structs and deletions of `taken` from `fromClock` on under `fresh`, from clock 0. */
export function moveClientRange(update: Uint8Array, taken: number, fromClock: number, fresh: number): Uint8Array {
  const { structs, ds } = Y.decodeUpdate(update);
  const remap = (id: Y.ID): Y.ID => (id.client === taken && id.clock >= fromClock ? Y.createID(fresh, id.clock - fromClock) : id);
  const byClient = new Map<number, Struct[]>();
  for (const struct of structs) {
    struct.id = remap(struct.id);
    if (struct instanceof Y.Item) {
      if (struct.origin !== null) struct.origin = remap(struct.origin);
      if (struct.rightOrigin !== null) struct.rightOrigin = remap(struct.rightOrigin);
      if (struct.parent instanceof Y.ID) struct.parent = remap(struct.parent);
    }
    const list = byClient.get(struct.id.client) ?? [];
    list.push(struct);
    byClient.set(struct.id.client, list);
  }
  const encoder = new Y.UpdateEncoderV1();
  encoding.writeVarUint(encoder.restEncoder, byClient.size);
  for (const [client, list] of byClient) {
    list.sort((a, b) => a.id.clock - b.id.clock);
    encoding.writeVarUint(encoder.restEncoder, list.length);
    encoder.writeClient(client);
    encoding.writeVarUint(encoder.restEncoder, list[0]!.id.clock);
    for (const struct of list) struct.write(encoder, 0);
  }
  // Delete ranges of the taken id from `fromClock` on move with it (split where one straddles).
  const ranges = new Map<number, { clock: number; len: number }[]>();
  const add = (client: number, clock: number, len: number) => {
    if (len <= 0) return;
    const list = ranges.get(client) ?? [];
    list.push({ clock, len });
    ranges.set(client, list);
  };
  for (const [client, items] of ds.clients) {
    for (const { clock, len } of items) {
      if (client !== taken || clock + len <= fromClock) add(client, clock, len);
      else if (clock >= fromClock) add(fresh, clock - fromClock, len);
      else {
        add(client, clock, fromClock - clock);
        add(fresh, 0, clock + len - fromClock);
      }
    }
  }
  encoding.writeVarUint(encoder.restEncoder, ranges.size);
  for (const [client, list] of ranges) {
    list.sort((a, b) => a.clock - b.clock);
    encoder.resetDsCurVal();
    encoding.writeVarUint(encoder.restEncoder, client);
    encoding.writeVarUint(encoder.restEncoder, list.length);
    for (const { clock, len } of list) {
      encoder.writeDsClock(clock);
      encoder.writeDsLen(len);
    }
  }
  return encoder.toUint8Array();
}

export interface Rekeyed {
  fresh: number;
  /** The taken id's local clock: everything of it below this is now abandoned. */
  end: number;
  /** The copies (and the document's deletions), to send in place of the refused edits. */
  update: Uint8Array;
}

/**
 * Copies the taken id's structs from `fromClock` on under a fresh id, applies the copies and deletes
 * the originals locally (with `origin`), and moves the document to the fresh id when it wrote under
 * the taken one. Null when the document has nothing of the taken id from `fromClock` on.
 */
export function rekeyClient(doc: Y.Doc, taken: number, fromClock: number, origin: unknown): Rekeyed | null {
  const end = Y.getState(doc.store, taken);
  const fresh = freshIdAbove(taken, (id) => doc.store.clients.has(id));
  if (doc.clientID === taken) doc.clientID = fresh;
  if (end <= fromClock) return null;
  const target = Y.decodeStateVector(Y.encodeStateVector(doc));
  target.set(taken, fromClock);
  const update = moveClientRange(Y.encodeStateAsUpdate(doc, Y.encodeStateVector(target)), taken, fromClock, fresh);
  Y.transact(
    doc,
    (transaction) => {
      Y.applyUpdate(doc, update, origin);
      Y.getItemCleanStart(transaction, Y.createID(taken, fromClock));
      for (const struct of doc.store.clients.get(taken) ?? []) {
        if (struct.id.clock >= fromClock && struct instanceof Y.Item && !struct.deleted) struct.delete(transaction);
      }
    },
    origin,
  );
  return { fresh, end, update };
}

/** `update` without any struct of the given ids below the given clocks (content that was moved). */
export function withoutAbandoned(update: Uint8Array, abandoned: ReadonlyMap<number, number>): Uint8Array {
  return abandoned.size === 0 ? update : Y.diffUpdate(update, Y.encodeStateVector(new Map(abandoned)));
}

/** A state vector that claims the abandoned ranges are known, so diffs against it leave them out. */
export function stateVectorWithAbandoned(stateVector: Uint8Array, abandoned: ReadonlyMap<number, number>): Uint8Array {
  if (abandoned.size === 0) return stateVector;
  const map = Y.decodeStateVector(stateVector);
  for (const [client, end] of abandoned) map.set(client, Math.max(map.get(client) ?? 0, end));
  return Y.encodeStateVector(map);
}
