/** Small predicates for what a client sent: everything arrives as `unknown`. */

export function isBinary(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array;
}

export function isCallback(value: unknown): value is (...args: unknown[]) => void {
  return typeof value === 'function';
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
