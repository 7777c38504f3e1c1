import * as Y from 'yjs';

/**
 * A replica's content in a form that compares equal across replicas (map keys sorted). Root types
 * that arrived from elsewhere only show in toJSON once accessed with their type, so the test
 * schema's roots are accessed first.
 */
export function snapshotOf(doc: Y.Doc): string {
  doc.getText('text');
  doc.getMap('map');
  doc.getArray('array');
  // Yjs can hold bigints, which JSON.stringify refuses.
  return JSON.stringify(sortKeys(doc.toJSON()), (_key, value: unknown) => (typeof value === 'bigint' ? `${value}n` : value));
}

/** The value with every object's keys in sorted order (Y.Map key order differs between replicas). */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => [k, sortKeys(v)]),
    );
  }
  return value;
}

/** True when every doc holds the same content and state vector. */
export function converged(docs: readonly Y.Doc[]): boolean {
  const [first, ...rest] = docs;
  if (first === undefined) return true;
  const content = snapshotOf(first);
  const sv = Buffer.from(Y.encodeStateVector(first)).toString('hex');
  return rest.every((doc) => snapshotOf(doc) === content && Buffer.from(Y.encodeStateVector(doc)).toString('hex') === sv);
}
