/**
 * Which document the page edits: `?doc=name` wins, then `#name`; with neither, a fresh random
 * name is put in the hash so the address bar is a link others can open to join.
 */
import { docNameProblem } from 'y-quire/shared';

export type DocChoice = { ok: true; name: string } | { ok: false; problem: string };

export function docNameFromUrl(url: URL): string | null {
  const fromQuery = url.searchParams.get('doc');
  if (fromQuery) return fromQuery;
  if (url.hash.length <= 1) return null;
  try {
    return decodeURIComponent(url.hash.slice(1));
  } catch {
    // A malformed escape: take the hash as typed rather than refusing the page.
    return url.hash.slice(1);
  }
}

export function chooseDocument(url: URL): DocChoice {
  const name = docNameFromUrl(url);
  if (name === null) return { ok: true, name: randomDocName() };
  const problem = docNameProblem(name);
  return problem === null ? { ok: true, name } : { ok: false, problem };
}

/** Short, unguessable enough to share as a link, readable enough to say aloud. */
export function randomDocName(): string {
  const alphabet = 'abcdefghijkmnpqrstuvwxyz23456789';
  const bytes = crypto.getRandomValues(new Uint8Array(10));
  return Array.from(bytes, (byte) => alphabet[byte % alphabet.length]).join('');
}

/** The address of `name`: the hash form, with any `?doc=` dropped so the hash decides. */
export function urlForDocument(current: URL, name: string): URL {
  const next = new URL(current);
  next.searchParams.delete('doc');
  next.hash = encodeURIComponent(name);
  return next;
}
