import { ErrorCodes, QuireError } from './errors.js';

/** Namespace prefix under which every document lives: `/doc/<encodeURIComponent(name)>`. */
export const DOC_NAMESPACE_PREFIX = '/doc/';
export const DOC_NAMESPACE_PATTERN = /^\/doc\/.+$/;
export const MAX_DOC_NAME_BYTES = 255;

// C0 controls, DEL and C1 controls.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;
/**
 * Characters that show as nothing, or as an ordinary space, so two names that look the same would
 * be different documents: format characters (zero-width space and joiners, bidi overrides and
 * isolates, the byte-order mark, soft hyphen), every other default-ignorable code point (variation
 * selectors, Hangul fillers, tags), line and paragraph separators, and whitespace other than the
 * ordinary space (tab, no-break and ideographic spaces, …).
 */
const INVISIBLE_CHARACTERS = /[\p{Cf}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}]|[^\S ]/u;

/**
 * The one spelling of a document name: Unicode NFC, so "café" typed with a precomposed "é" and with
 * "e" + combining accent (as macOS file names and some keyboards produce) is one document. Every
 * entry point that takes a name from a person (the provider, openDocument, the admin API) applies
 * it; names on the wire must already be in this form.
 */
export function normalizeDocName(name: string): string {
  return name.normalize('NFC');
}

/** Why a document name is invalid, or null when it is fine. */
export function docNameProblem(name: unknown): string | null {
  if (typeof name !== 'string') return 'Document name must be a string.';
  if (name.length === 0) return 'Document name must not be empty.';
  if (new TextEncoder().encode(name).length > MAX_DOC_NAME_BYTES) {
    return `Document name must be at most ${MAX_DOC_NAME_BYTES} bytes of UTF-8.`;
  }
  if (CONTROL_CHARACTERS.test(name)) return 'Document name must not contain control characters.';
  // Lone surrogates cannot round-trip through UTF-8 storage keys.
  if (!name.isWellFormed()) return 'Document name must be well-formed Unicode.';
  const invisible = INVISIBLE_CHARACTERS.exec(name);
  if (invisible !== null) {
    const codePoint = invisible[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    return `Document name must not contain invisible characters or special spaces (U+${codePoint} at ${invisible.index}).`;
  }
  if (name !== normalizeDocName(name)) return 'Document name must be in Unicode normalization form NFC (normalizeDocName).';
  return null;
}

/** The name in its one spelling (NFC), or a BAD_DOC_NAME QuireError: for names people typed. */
export function canonicalDocName(name: unknown): string {
  const canonical = typeof name === 'string' && name.isWellFormed() ? normalizeDocName(name) : name;
  assertValidDocName(canonical);
  return canonical;
}

export function isValidDocName(name: unknown): name is string {
  return docNameProblem(name) === null;
}

export function assertValidDocName(name: unknown): asserts name is string {
  const problem = docNameProblem(name);
  if (problem !== null) throw new QuireError(ErrorCodes.BAD_DOC_NAME, problem);
}

export function docNamespace(name: string): string {
  assertValidDocName(name);
  return DOC_NAMESPACE_PREFIX + encodeURIComponent(name);
}

/** The document name a namespace carries; throws a BAD_DOC_NAME QuireError when it is not one. */
export function docNameFromNamespace(namespace: string): string {
  if (!namespace.startsWith(DOC_NAMESPACE_PREFIX)) {
    throw new QuireError(ErrorCodes.BAD_DOC_NAME, 'Not a document namespace.');
  }
  let name: string;
  try {
    name = decodeURIComponent(namespace.slice(DOC_NAMESPACE_PREFIX.length));
  } catch {
    throw new QuireError(ErrorCodes.BAD_DOC_NAME, 'Document namespace is not valid URI encoding.');
  }
  assertValidDocName(name);
  return name;
}
