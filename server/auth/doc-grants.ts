/**
 * Document grants carried in a token's claims:
 *
 *   "docs": { "<pattern>": "read" | "write", ... }
 *
 * A pattern is a document name, or a prefix followed by a single trailing `*` ("notes/*" matches
 * "notes/a" and "notes/a/b"; "*" matches every document). A token grants the union of its entries:
 * the most permissive match wins, and no entry can take access away. Only a trailing `*` is special,
 * so a pattern can never be turned into an expensive or surprising match.
 */
import type { Access } from '../core/origins.js';

export interface DocGrant {
  pattern: string;
  access: Access;
}

/** Grants from a claim value; throws on anything that is not the format above. */
export function parseDocGrants(value: unknown): DocGrant[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error('docs claim must be an object of pattern → "read" | "write"');
  }
  const grants: DocGrant[] = [];
  for (const [pattern, access] of Object.entries(value)) {
    if (access !== 'read' && access !== 'write') throw new Error(`access for "${pattern}" must be "read" or "write"`);
    if (pattern.length === 0) throw new Error('empty document pattern');
    grants.push({ pattern, access });
  }
  return grants;
}

export function patternMatches(pattern: string, docName: string): boolean {
  return pattern.endsWith('*') ? docName.startsWith(pattern.slice(0, -1)) : docName === pattern;
}

/** The access the grants give to a document, or null for none. */
export function accessFor(grants: readonly DocGrant[], docName: string): Access | null {
  let granted: Access | null = null;
  for (const grant of grants) {
    if (!patternMatches(grant.pattern, docName)) continue;
    if (grant.access === 'write') return 'write';
    granted = 'read';
  }
  return granted;
}
