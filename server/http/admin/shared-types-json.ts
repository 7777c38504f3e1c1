/**
 * A document's shared types as JSON, for people and scripts reading it through the admin API.
 *
 * A document decoded from bytes does not know which type each root is (Text, Map, Array,
 * XmlFragment): that is decided by the code that calls `getText(name)` etc. So we look at what
 * each root holds (its content kinds, in the Yjs update format's numbering) and read it with the
 * matching type. This runs on a private copy, so the live document is never touched.
 */
import * as Y from 'yjs';

export type RootKind = 'text' | 'map' | 'array' | 'xml' | 'empty';

export interface RootJson {
  type: RootKind;
  value: unknown;
}

// Content reference numbers of the Yjs update format.
const CONTENT_DELETED = 1;
const TEXT_CONTENTS = new Set([4 /* string */, 5 /* embed */, 6 /* format */]);
const CONTENT_TYPE = 7;

interface ItemLike {
  right: ItemLike | null;
  content: { getRef(): number; type?: unknown };
}

export function sharedTypesToJson(update: Uint8Array): Record<string, RootJson> {
  const doc = new Y.Doc();
  try {
    Y.applyUpdate(doc, update);
    const kinds = new Map<string, RootKind>();
    for (const [name, type] of doc.share) kinds.set(name, kindOf(type));
    const result: Record<string, RootJson> = {};
    for (const [name, kind] of [...kinds].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      result[name] = { type: kind, value: jsonSafe(read(doc, name, kind)) };
    }
    return result;
  } finally {
    doc.destroy();
  }
}

function kindOf(type: Y.AbstractType<Y.YEvent<any>>): RootKind {
  for (let item = type._start as unknown as ItemLike | null; item !== null; item = item.right) {
    const ref = item.content.getRef();
    if (ref === CONTENT_DELETED) continue;
    if (TEXT_CONTENTS.has(ref)) return 'text';
    if (ref === CONTENT_TYPE) {
      const child = item.content.type;
      return child instanceof Y.XmlElement || child instanceof Y.XmlText || child instanceof Y.XmlHook ? 'xml' : 'array';
    }
    return 'array';
  }
  return type._map.size > 0 ? 'map' : 'empty';
}

/**
 * Values Yjs can hold but JSON cannot: a bigint becomes its decimal string, binary content a
 * base64 string, a subdocument `{ subdocument: guid }`. (Clients may store any of them;
 * JSON.stringify would throw on a bigint, and a subdocument's Y.Doc refers back to itself.)
 */
function jsonSafe(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Y.Doc) return { subdocument: value.guid };
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  if (Array.isArray(value)) return value.map(jsonSafe);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, jsonSafe(item)]));
  }
  return value;
}

function read(doc: Y.Doc, name: string, kind: RootKind): unknown {
  switch (kind) {
    case 'text':
      return doc.getText(name).toString();
    case 'map':
      return doc.getMap(name).toJSON();
    case 'array':
      return doc.getArray(name).toJSON();
    case 'xml':
      return doc.getXmlFragment(name).toString();
    case 'empty':
      return null;
  }
}
