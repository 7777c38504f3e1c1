/**
 * What a receiver with `stateVector` lacks of what `doc` has integrated. `Y.encodeStateAsUpdate`
 * also appends the structs and deletions `doc` holds back (they build on something it never
 * received); the receiver could not integrate those either, and a quire server refuses to
 * acknowledge an update it cannot integrate (MISSING_DEPENDENCIES). So honest senders leave them out.
 */
import * as Y from 'yjs';

export function encodeIntegratedDiff(doc: Y.Doc, stateVector: Uint8Array = new Uint8Array([0])): Uint8Array {
  const store = doc.store;
  const { pendingStructs, pendingDs } = store;
  store.pendingStructs = null;
  store.pendingDs = null;
  try {
    return Y.encodeStateAsUpdate(doc, stateVector);
  } finally {
    store.pendingStructs = pendingStructs;
    store.pendingDs = pendingDs;
  }
}
