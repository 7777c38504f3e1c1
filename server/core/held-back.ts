import type * as Y from 'yjs';

/**
 * A document's held-back structs and deletions (content whose dependencies it lacks): Yjs keeps
 * each as one encoded update and replaces that buffer whenever something is added to it or
 * integrated from it, so comparing bytes tells whether an update touched what is held back.
 */
export type HeldBackParts = [Uint8Array | null, Uint8Array | null];

export function heldBackParts(doc: Y.Doc): HeldBackParts {
  const { pendingStructs, pendingDs } = doc.store;
  return [pendingStructs?.update ?? null, pendingDs];
}

export function holdsBack(parts: HeldBackParts): boolean {
  return parts.some((part) => part !== null);
}

/** Whether a part present in `parts` is not byte for byte the same part of `reference`. */
export function heldBackDiffers(parts: HeldBackParts, reference: HeldBackParts): boolean {
  return parts.some((part, i) => part !== null && !sameBytes(part, reference[i] ?? null));
}

function sameBytes(a: Uint8Array, b: Uint8Array | null): boolean {
  if (a === b) return true;
  if (b === null || a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}
