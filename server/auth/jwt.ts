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
  claims: Record<string, unknown>;
}

export interface JwtAuth {
  authenticate: Authenticate;
  authorize: Authorize;
}

export function jwtAuth(options: JwtAuthOptions): JwtAuth {
  const verifier = createVerifier(options, options);
  const claimName = options.claim ?? 'docs';
  debug('accepting %s tokens, grants in claim "%s"', verifier.algorithms.join('/'), claimName);

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
      throw new QuireError(ErrorCodes.AUTH_FAILED, 'The token is invalid.');
    }
    const principal: JwtPrincipal = {
      subject: typeof claims.sub === 'string' ? claims.sub : null,
      grants,
      expiresAt: typeof claims.exp === 'number' ? claims.exp * 1000 : null,
      claims,
    };
    return principal;
  };

  const authorize: Authorize = (principal, docName) => {
    if (!isJwtPrincipal(principal)) return null;
    return accessFor(principal.grants, docName);
  };

  return { authenticate, authorize };
}

function isJwtPrincipal(value: unknown): value is JwtPrincipal {
  return typeof value === 'object' && value !== null && Array.isArray((value as JwtPrincipal).grants);
}
