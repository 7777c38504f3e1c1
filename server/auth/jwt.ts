/**
 * `jwtAuth`: the common case of authentication as an `authenticate`/`authorize` pair. Clients send
 * a signed JWT as their token; its claims say which documents they may open and how:
 *
 *   { "sub": "alice", "exp": 1767225600, "docs": { "team/*": "write", "handbook": "read" } }
 *
 * See docs/SECURITY.md for the format and examples.
 */
import createDebug from 'debug';
import { ErrorCodes, QuireError } from '../../shared/errors.js';
import type { Authenticate, Authorize } from '../transport/hooks.js';
import { type DocGrant, accessFor, parseDocGrants } from './doc-grants.js';
import { JwtError, type JwtKeys, type VerifyOptions, createVerifier } from './jwt-verify.js';

const debug = createDebug('quire:server:auth:jwt');

export interface JwtAuthOptions extends JwtKeys, VerifyOptions {
  /** The claim holding the document grants. Default 'docs'. */
  claim?: string;
}

/** Who a verified token says the client is. */
export interface JwtPrincipal {
  /** The token's `sub`, when it has one. */
  subject: string | null;
  grants: DocGrant[];
  /** When the token expires (ms since the epoch); the server closes the connection then. */
  expiresAt: number | null;
  /** When the token was issued (its `iat`, in ms since the epoch), when it says. */
  issuedAt: number | null;
  claims: Record<string, unknown>;
}

export interface JwtAuth {
  authenticate: Authenticate;
  authorize: Authorize;
  /**
   * Revokes every token of `subject` (`sub`) issued before this second: from now on they are
   * refused at connect (AUTH_FAILED) and by `authorize`, so `server.recheckAccess()` ends the
   * sessions opened with them. Tokens without `iat` of that subject are refused too. Kept in
   * memory: a restart forgets revocations (short `exp` bounds what that costs).
   */
  revokeSubject(subject: string, at?: number): void;
}

export function jwtAuth(options: JwtAuthOptions): JwtAuth {
  const verifier = createVerifier(options, options);
  const claimName = options.claim ?? 'docs';
  debug('accepting %s tokens, grants in claim "%s"', verifier.algorithms.join('/'), claimName);

  // subject → the second (since the epoch) before which its tokens are revoked.
  const revokedBefore = new Map<string, number>();
  const isRevoked = (subject: string | null, issuedAt: number | null): boolean => {
    if (subject === null) return false;
    const cutoff = revokedBefore.get(subject);
    // Whole seconds, as `iat` counts: a replacement token issued in the second of the revocation
    // is accepted (so a client that reconnects at once with a fresh token gets in).
    return cutoff !== undefined && (issuedAt === null || Math.floor(issuedAt / 1000) < cutoff);
  };

  const authenticate: Authenticate = ({ token }) => {
    if (token === undefined || token.length === 0) {
      throw new QuireError(ErrorCodes.AUTH_FAILED, 'A token is required.');
    }
    let claims: Record<string, unknown>;
    let grants: DocGrant[];
    try {
      claims = verifier.verify(token);
      grants = parseDocGrants(claims[claimName]);
    } catch (error) {
      debug('refused a token: %s', error instanceof Error ? error.message : String(error));
      if (error instanceof JwtError && error.expired) throw new QuireError(ErrorCodes.TOKEN_EXPIRED);
      if (error instanceof JwtError && error.message === 'token has no exp') {
        throw new QuireError(ErrorCodes.AUTH_FAILED, 'The token has no expiry (exp); this server requires one.');
      }
      throw new QuireError(ErrorCodes.AUTH_FAILED, 'The token is invalid.');
    }
    const principal: JwtPrincipal = {
      subject: typeof claims.sub === 'string' ? claims.sub : null,
      grants,
      expiresAt: typeof claims.exp === 'number' ? claims.exp * 1000 : null,
      issuedAt: typeof claims.iat === 'number' ? claims.iat * 1000 : null,
      claims,
    };
    if (isRevoked(principal.subject, principal.issuedAt)) {
      throw new QuireError(ErrorCodes.AUTH_FAILED, 'The token was revoked; sign in again.');
    }
    return principal;
  };

  const authorize: Authorize = (principal, docName) => {
    if (!isJwtPrincipal(principal) || isRevoked(principal.subject, principal.issuedAt)) return null;
    return accessFor(principal.grants, docName);
  };

  const revokeSubject = (subject: string, at: number = Date.now()): void => {
    debug('revoking tokens of %s issued before %d', subject, at);
    revokedBefore.set(subject, Math.max(revokedBefore.get(subject) ?? 0, Math.floor(at / 1000)));
  };

  return { authenticate, authorize, revokeSubject };
}

function isJwtPrincipal(value: unknown): value is JwtPrincipal {
  return typeof value === 'object' && value !== null && Array.isArray((value as JwtPrincipal).grants);
}
