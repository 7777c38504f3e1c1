/**
 * The revert update of a restore, computed without touching the live document.
 *
 * Restoring is a forward change, so edits made concurrently or offline survive: we rebuild the
 * target version in a scratch document that keeps deleted content (`gc: false`), apply the live
 * state on top of it as one "catch-up" transaction, and undo that transaction with a Yjs
 * UndoManager scoped to the roots being restored. The undo deletes what was inserted since the
 * version and re-inserts (as new items) what was deleted since; the update it emits is the
 * revert. Applied to the live document it makes those roots equal to the version, and leaves
 * every other root alone.
 *
 * Pure and synchronous, so it can run in a worker thread (revert-runner.ts).
 */
import * as Y from 'yjs';

const CATCH_UP = Symbol('catch-up');

// Content reference numbers of the Yjs update format (see http/admin/shared-types-json.ts).
const TEXT_CONTENTS = new Set([4 /* string */, 5 /* embed */, 6 /* format */]);
const CONTENT_TYPE = 7;

export type RootKind = 'text' | 'map' | 'array' | 'xml' | 'empty';

export interface RevertInput {
  /** The version's full state. */
  target: Uint8Array;
  /** The live document's full state. */
  live: Uint8Array;
  /** Root names to bring back to the version; the others keep their current content. */
  roots: readonly string[];
  /**
   * The kind of each root in the live document (rootKinds(liveDoc)), when the caller has it
   * loaded: saves decoding the live state once more to find out.
   */
  liveKinds?: Record<string, RootKind>;
}

/** The revert update, or null when the roots already equal the version. */
export function computeRevert({ target, live, roots, liveKinds }: RevertInput): Uint8Array | null {
  const scratch = new Y.Doc({ gc: false });
  // The revert is authored by the scratch document's client id: it must be new to this document.
  const used = new Set([...Y.decodeStateVector(Y.encodeStateVectorFromUpdate(live)).keys()]);
  while (used.has(scratch.clientID)) scratch.clientID = Math.floor(Math.random() * 2 ** 31);
  try {
    Y.applyUpdate(scratch, target);
    // Which kind each root is (a decoded document does not know): from what it holds in the
    // version, else in the live document (a root empty in both has nothing to restore).
    const kindsNow = liveKinds ?? rootKindsOfUpdate(live, roots);
    const kinds = new Map(
      roots.map((name) => {
        const inVersion = scratch.share.has(name) ? kindOf(scratch.share.get(name)!) : 'empty';
        return [name, inVersion !== 'empty' ? inVersion : (kindsNow[name] ?? 'empty')];
      }),
    );
    const scope = roots.flatMap((name) => {
      const type = typedRoot(scratch, name, kinds.get(name)!);
      return type === null ? [] : [type];
    });
    if (scope.length === 0) return null;
    const undo = new Y.UndoManager(scope, { trackedOrigins: new Set([CATCH_UP]), captureTimeout: Number.POSITIVE_INFINITY });
    Y.applyUpdate(scratch, live, CATCH_UP);
    if (!undo.canUndo()) return null;
    const parts: Uint8Array[] = [];
    scratch.on('update', (update: Uint8Array) => parts.push(update));
    undo.undo();
    undo.destroy();
    if (parts.length === 0) return null;
    return parts.length === 1 ? parts[0]! : Y.mergeUpdates(parts);
  } finally {
    scratch.destroy();
  }
}

/** The kind of each named root of a loaded document, from its visible content. */
export function rootKinds(doc: Y.Doc, roots: readonly string[]): Record<string, RootKind> {
  return Object.fromEntries(roots.map((name) => [name, doc.share.has(name) ? kindOf(doc.share.get(name)!) : 'empty']));
}

function rootKindsOfUpdate(update: Uint8Array, roots: readonly string[]): Record<string, RootKind> {
  const doc = new Y.Doc();
  try {
    Y.applyUpdate(doc, update);
    return rootKinds(doc, roots);
  } finally {
    doc.destroy();
  }
}

function typedRoot(doc: Y.Doc, name: string, kind: RootKind): Y.AbstractType<any> | null {
  switch (kind) {
    case 'text':
      return doc.getText(name);
    case 'map':
      return doc.getMap(name);
    case 'array':
      return doc.getArray(name);
    case 'xml':
      return doc.getXmlFragment(name);
    case 'empty':
      return null;
  }
}

interface ItemLike {
  right: ItemLike | null;
  content: { getRef(): number; type?: unknown };
}

function kindOf(type: Y.AbstractType<any>): RootKind {
  for (let item = type._start as unknown as ItemLike | null; item !== null; item = item.right) {
    const ref = item.content.getRef();
    if (TEXT_CONTENTS.has(ref)) return 'text';
    if (ref === CONTENT_TYPE) {
      const child = item.content.type;
      return child instanceof Y.XmlElement || child instanceof Y.XmlText || child instanceof Y.XmlHook ? 'xml' : 'array';
    }
    if (ref !== 1 /* deleted, content gone */) return 'array';
  }
  return type._map.size > 0 ? 'map' : 'empty';
}
