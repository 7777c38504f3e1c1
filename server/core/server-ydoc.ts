import * as Y from 'yjs';

/**
 * A Y.Doc for the server's own copy of a document. Left to itself, Yjs draws a random guid for
 * every Doc, one `getRandomValues` call per hex digit (~160 µs, a third of the CPU of opening a
 * small document). The guid only names a subdocument inside its parent; these Docs are nobody's
 * subdocument and never leave the server, so they take a given guid instead.
 */
export function serverYDoc(guid: string): Y.Doc {
  return new Y.Doc({ gc: true, guid });
}
