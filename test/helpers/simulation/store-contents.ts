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
