import { signJwt } from '../../server/index.js';

/** The HS256 secret test servers are configured with. */
export const testSecret = 'quire-test-secret-0123456789abcdef';

/** A token granting `docs`, valid for `seconds` (negative: already expired). */
export function tokenFor(docs: Record<string, 'read' | 'write'>, seconds = 3600, sub = 'tester'): string {
  return signJwt({ sub, exp: Math.floor(Date.now() / 1000) + seconds, docs }, { secret: testSecret });
}
