import * as Y from 'yjs';
import type { DocumentStore } from '../../../server/persistence/types.js';

/** The document as a fresh reader of the store would get it. */
export async function readStored(store: DocumentStore, docName: string): Promise<Y.Doc> {
  const doc = new Y.Doc();
  for (const update of await store.load(docName)) Y.applyUpdate(doc, update);
  return doc;
}

/**
 * What of `update` a reader of `doc` cannot see: structs it has not integrated, deletions it has
 * not applied. Empty when the document holds all of it.
 */
export function missingFrom(doc: Y.Doc, update: Uint8Array): string[] {
  const missing: string[] = [];
  const { structs, ds } = Y.decodeUpdate(update);
  for (const struct of structs) {
    const end = struct.id.clock + struct.length;
    if (Y.getState(doc.store, struct.id.client) < end) missing.push(`struct ${struct.id.client}:${struct.id.clock}+${struct.length}`);
  }
  const stored = Y.createDeleteSetFromStructStore(doc.store);
  for (const [client, ranges] of ds.clients) {
    for (const { clock, len } of ranges) {
      for (let at = clock; at < clock + len; at++) {
        if (!Y.isDeleted(stored, Y.createID(client, at))) {
          missing.push(`deletion ${client}:${clock}+${len}`);
          break;
        }
      }
    }
  }
  return missing;
}

/**
 * Like `missingFrom`, but what the store holds back counts as held: a server sends a joiner the
 * structs and deletions it keeps for later (Yjs encodes them with the state), and those are stored
 * too, only not readable before what they build on arrives.
 */
export function missingFromStoredBytes(doc: Y.Doc, update: Uint8Array): string[] {
  const held = new Map<number, [number, number][]>();
  const pending = doc.store.pendingStructs?.update;
  if (pending !== undefined) {
    // Yjs keeps what it holds back in its v2 encoding.
    for (const struct of Y.decodeUpdateV2(pending).structs) {
      const ranges = held.get(struct.id.client) ?? [];
      ranges.push([struct.id.clock, struct.id.clock + struct.length]);
      held.set(struct.id.client, ranges);
    }
  }
  const heldDeletes = doc.store.pendingDs === null ? null : Y.decodeUpdateV2(doc.store.pendingDs).ds;
  const covered = (client: number, from: number, to: number): boolean => {
    let at = Math.max(from, Y.getState(doc.store, client));
    for (const [start, end] of (held.get(client) ?? []).sort((a, b) => a[0] - b[0])) if (start <= at && end > at) at = end;
    return at >= to;
  };
  const missing: string[] = [];
  const { structs, ds } = Y.decodeUpdate(update);
  for (const struct of structs) {
    if (struct instanceof Y.Skip) continue;
    if (!covered(struct.id.client, struct.id.clock, struct.id.clock + struct.length))
      missing.push(`struct ${struct.id.client}:${struct.id.clock}+${struct.length}`);
  }
  const stored = Y.createDeleteSetFromStructStore(doc.store);
  for (const [client, ranges] of ds.clients) {
    for (const { clock, len } of ranges) {
      for (let at = clock; at < clock + len; at++) {
        const id = Y.createID(client, at);
        if (!Y.isDeleted(stored, id) && !(heldDeletes !== null && Y.isDeleted(heldDeletes, id))) {
          missing.push(`deletion ${client}:${clock}+${len}`);
          break;
        }
      }
    }
  }
  return missing;
}
