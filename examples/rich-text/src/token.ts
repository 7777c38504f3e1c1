/**
 * The sign-in token for servers that check JWTs (`--jwt-secret`/`--jwt-public-key`): given once
 * as `?token=…`, then kept in this tab's sessionStorage and taken out of the address bar, so a
 * shared link never carries it.
 */
const KEY = 'quire-editor-token';

export function takeTokenFromUrl(url: URL): URL {
  const token = url.searchParams.get('token');
  if (token === null) return url;
  if (token === '') sessionStorage.removeItem(KEY);
  else sessionStorage.setItem(KEY, token);
  const cleaned = new URL(url);
  cleaned.searchParams.delete('token');
  return cleaned;
}

export function currentToken(): string | undefined {
  try {
    return sessionStorage.getItem(KEY) ?? undefined;
  } catch {
    return undefined;
  }
}
