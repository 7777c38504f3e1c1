import { ErrorCodes, QuireError } from './errors.js';

/** Namespace prefix under which every document lives: `/doc/<encodeURIComponent(name)>`. */
export const DOC_NAMESPACE_PREFIX = '/doc/';
export const DOC_NAMESPACE_PATTERN = /^\/doc\/.+$/;
export const MAX_DOC_NAME_BYTES = 255;

// C0 controls, DEL and C1 controls.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;

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
  return null;
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
