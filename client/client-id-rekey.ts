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
 * The local document keeps the originals (deleted, invisible), and later edits may name one as a
 * neighbour (rich-text typing skips past deleted items). Such edits are sent anchored to the nearest
 * items that are not originals (`remapMoved`), which on every other replica is the same visible
 * place.
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

/**
 * Re-encodes `update` with the structs of `taken` from `fromClock` on under `fresh`, from clock 0.
 * Deletions in that range move with them (`'move'`), or are dropped (`'drop'`): after a move the
 * document deletes every original locally, which must not delete the copies elsewhere.
 */
export function moveClientRange(
  update: Uint8Array,
  taken: number,
  fromClock: number,
  fresh: number,
  deletions: 'move' | 'drop' = 'move',
): Uint8Array {
  const { structs, ds } = Y.decodeUpdate(update);
  const remap = (id: Y.ID): Y.ID => (id.client === taken && id.clock >= fromClock ? Y.createID(fresh, id.clock - fromClock) : id);
  for (const struct of structs) {
    struct.id = remap(struct.id);
    if (struct instanceof Y.Item) {
      if (struct.origin !== null) struct.origin = remap(struct.origin);
      if (struct.rightOrigin !== null) struct.rightOrigin = remap(struct.rightOrigin);
      if (struct.parent instanceof Y.ID) struct.parent = remap(struct.parent);
    }
  }
  return encodeStructs(structs, { clients: remapDeletions(ds, taken, fromClock, fresh, deletions) });
}

type DeleteRanges = ReadonlyMap<number, readonly { clock: number; len: number }[]>;

function remapDeletions(
  ds: { clients: DeleteRanges },
  taken: number,
  fromClock: number,
  fresh: number,
  deletions: 'move' | 'drop',
): DeleteRanges {
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
      else {
        if (clock < fromClock) add(client, clock, fromClock - clock);
        if (deletions === 'move') add(fresh, Math.max(clock, fromClock) - fromClock, clock + len - Math.max(clock, fromClock));
      }
    }
  }
  return ranges;
}

/** Writes decoded structs and delete ranges as a V1 update (what Y.encodeStateAsUpdate writes). */
function encodeStructs(structs: readonly Struct[], ds: { clients: DeleteRanges }): Uint8Array {
  const byClient = new Map<number, Struct[]>();
  for (const struct of structs) {
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
  const ranges = ds.clients;
  encoding.writeVarUint(encoder.restEncoder, ranges.size);
  for (const [client, list] of ranges) {
    const sorted = [...list].sort((a, b) => a.clock - b.clock);
    encoder.resetDsCurVal();
    encoding.writeVarUint(encoder.restEncoder, client);
    encoding.writeVarUint(encoder.restEncoder, sorted.length);
    for (const { clock, len } of sorted) {
      encoder.writeDsClock(clock);
      encoder.writeDsLen(len);
    }
  }
  return encoder.toUint8Array();
}

/** One move: the taken id's structs from `fromClock` (below `end`) now live under `fresh` from clock 0. */
export interface ClientMove {
  taken: number;
  fromClock: number;
  end: number;
  fresh: number;
}

export interface Rekeyed extends ClientMove {
  /** The copies (and the document's deletions), to send in place of the refused edits. */
  update: Uint8Array;
}

/**
 * An outgoing update as the server and the other replicas must read it after moves: references to
 * originals as neighbours become the nearest items that are not originals, references to an
 * original as parent become its copy, and the local deletions of the originals are left out.
 */
export function remapMoved(doc: Y.Doc, update: Uint8Array, moves: readonly ClientMove[]): Uint8Array {
  if (moves.length === 0) return update;
  const moved = (id: Y.ID | null): boolean =>
    id !== null && moves.some((move) => id.client === move.taken && id.clock >= move.fromClock && id.clock < move.end);
  const { structs, ds } = Y.decodeUpdate(update);
  let changed = false;
  for (const struct of structs) {
    if (!(struct instanceof Y.Item) || !(moved(struct.origin) || moved(struct.rightOrigin))) continue;
    changed = true;
    // Skipped: originals (invisible here, absent elsewhere) and what this client inserted later
    // (an origin must exist before the item that names it).
    const skip = (item: Y.Item): boolean => moved(item.id) || (item.id.client === struct.id.client && item.id.clock >= struct.id.clock);
    if (moved(struct.origin)) {
      let left = itemAt(doc, struct.origin!);
      while (left !== null && skip(left)) left = left.left;
      struct.origin = left === null ? null : lastUsableId(left, moves, struct.id);
    }
    if (moved(struct.rightOrigin)) {
      let right = itemAt(doc, struct.rightOrigin!);
      while (right !== null && skip(right)) right = right.right;
      struct.rightOrigin = right === null ? null : right.id;
    }
    if (struct.origin === null && struct.rightOrigin === null) {
      const local = itemAt(doc, struct.id);
      if (local === null) continue;
      const parent = local.parent as unknown as { _item: Y.Item | null };
      const parentRef = parent._item !== null ? parent._item.id : rootName(doc, local.parent);
      if (parentRef === null) continue;
      (struct as unknown as { parent: Y.ID | string }).parent = parentRef;
      struct.parentSub = local.parentSub;
    }
  }
  let result = changed ? encodeStructs(structs, ds) : update;
  for (const move of moves) result = moveClientRange(result, move.taken, move.fromClock, move.fresh, 'drop');
  return result;
}

/**
 * The last clock of `item` an origin may name: not in a moved range (an item that starts before one
 * may have been merged with its start), and for the item's own client, before the item.
 */
function lastUsableId(item: Y.Item, moves: readonly ClientMove[], of: Y.ID): Y.ID {
  let clock = item.lastId.clock;
  const move = moves.find((m) => m.taken === item.id.client && clock >= m.fromClock && item.id.clock < m.fromClock);
  if (move !== undefined) clock = move.fromClock - 1;
  if (item.id.client === of.client) clock = Math.min(clock, of.clock - 1);
  return Y.createID(item.id.client, clock);
}

/** The local item holding `id` (items of one client merge, so it may start earlier). */
function itemAt(doc: Y.Doc, id: Y.ID): Y.Item | null {
  const structs = doc.store.clients.get(id.client);
  if (structs === undefined || id.clock >= Y.getState(doc.store, id.client)) return null;
  const struct = structs[Y.findIndexSS(structs, id.clock)];
  return struct instanceof Y.Item ? struct : null;
}

function rootName(doc: Y.Doc, type: unknown): string | null {
  for (const [name, root] of doc.share) if (root === type) return name;
  return null;
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
      // Applying an update marks the transaction remote, and Yjs gives a document that sees remote
      // content under its own id a random new id: this content is ours.
      transaction.local = true;
      Y.getItemCleanStart(transaction, Y.createID(taken, fromClock));
      for (const struct of doc.store.clients.get(taken) ?? []) {
        if (struct.id.clock >= fromClock && struct instanceof Y.Item && !struct.deleted) struct.delete(transaction);
      }
    },
    origin,
  );
  return { taken, fromClock, end, fresh, update };
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
