/**
 * Two copies of Yjs in one process break its constructor checks (a peer's CommonJS build plus our
 * ESM import would be two). Import this module FIRST in the driver: ESM evaluates imports in order,
 * so it is listening before any Yjs copy loads. `assertSingleYjs()` then checks both the warning
 * Yjs prints on a second load and the CommonJS module cache.
 */
import { createRequire } from 'node:module';

const DUPLICATE_WARNING = 'Yjs was already imported';
let duplicateSeen = false;

const originalError = console.error.bind(console);
console.error = (...args: unknown[]): void => {
  if (args.some((arg) => typeof arg === 'string' && arg.includes(DUPLICATE_WARNING))) duplicateSeen = true;
  originalError(...args);
};

export function assertSingleYjs(): void {
  const cache = createRequire(import.meta.url).cache;
  const cjsCopies = Object.keys(cache).filter((path) => /[\\/]yjs[\\/]dist[\\/]yjs\.cjs$/.test(path));
  if (duplicateSeen || cjsCopies.length > 0) {
    throw new Error(`more than one Yjs copy loaded in the driver (CommonJS copies: ${cjsCopies.join(', ') || 'none'})`);
  }
  // Yjs marks its first load on the global object; the ESM copy must be that one.
  if ((globalThis as Record<string, unknown>)['__ $YJS$ __'] !== true) {
    throw new Error('Yjs is not loaded in the driver');
  }
}
