/**
 * Compact JWS (JWT) verification with node:crypto only: HS256 with a shared secret, RS256 with an
 * RSA public key, ES256 with a P-256 public key.
 *
 *   token = base64url(headerJSON) "." base64url(claimsJSON) "." base64url(signature)
 *
 * Security:
 * - The algorithm is chosen by the key the server was given, never by the token: a token whose
 *   header names another algorithm is refused. This closes the classic confusions ("alg": "none",
 *   or HS256 signed with the RSA public key as the HMAC secret).
 * - HMAC signatures are compared in constant time.
 * - `exp` and `nbf` are honoured (with an optional clock tolerance); tokens are bounded in size
 *   before anything is decoded.
 */
import { type KeyObject, createHmac, createPublicKey, createSecretKey, timingSafeEqual, verify } from 'node:crypto';

export type JwtAlgorithm = 'HS256' | 'RS256' | 'ES256';

export interface JwtKeys {
  /** Shared secret for HS256 (at least 32 bytes is recommended). */
  secret?: string | Uint8Array | KeyObject;
  /** PEM (or KeyObject) of an RSA key (RS256) or a P-256 EC key (ES256). */
  publicKey?: string | Uint8Array | KeyObject;
}

export interface VerifyOptions {
  /** Seconds of clock skew accepted on `exp` and `nbf`. Default 0. */
  clockToleranceSeconds?: number;
  /** When set, `iss` must equal it. */
  issuer?: string;
  /** When set, `aud` must equal it or, when it is an array, contain it. */
  audience?: string;
  /**
   * Refuse tokens without `exp`: such a token never expires, nor does a session opened with it.
   * Default false here; the CLI turns it on (`--jwt-require-exp`).
   */
  requireExpiry?: boolean;
  /** Current time in ms (tests). Default Date.now. */
  now?: () => number;
}

/** Why a token was refused; `expired` lets the caller give the client a distinct code. */
export class JwtError extends Error {
  constructor(
    message: string,
    readonly expired = false,
  ) {
    super(message);
    this.name = 'JwtError';
  }
}

/** Longer tokens are refused before decoding: they only cost parsing time. */
export const MAX_TOKEN_LENGTH = 8 * 1024;

export interface Verifier {
  readonly algorithms: readonly JwtAlgorithm[];
  /** The verified claims; throws a JwtError otherwise. */
  verify(token: string): Record<string, unknown>;
}

export function createVerifier(keys: JwtKeys, options: VerifyOptions = {}): Verifier {
  const checks = new Map<JwtAlgorithm, (data: Buffer, signature: Buffer) => boolean>();
  if (keys.secret !== undefined) {
    const secret = toSecretKey(keys.secret);
    checks.set('HS256', (data, signature) => {
      const expected = createHmac('sha256', secret).update(data).digest();
      return expected.length === signature.length && timingSafeEqual(expected, signature);
    });
  }
  if (keys.publicKey !== undefined) {
    const key = toPublicKey(keys.publicKey);
    if (key.asymmetricKeyType === 'rsa') {
      checks.set('RS256', (data, signature) => verify('sha256', data, key, signature));
    } else if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') {
      // JWS carries ECDSA signatures as raw r‖s, not DER.
      checks.set(
        'ES256',
        (data, signature) => signature.length === 64 && verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, signature),
      );
    } else {
      throw new Error('publicKey must be an RSA key (RS256) or a P-256 EC key (ES256)');
    }
  }
  if (checks.size === 0) throw new Error('jwt: give a secret, a publicKey, or both');

  const tolerance = (options.clockToleranceSeconds ?? 0) * 1000;
  const now = options.now ?? Date.now;

  return {
    algorithms: [...checks.keys()],
    verify(token) {
      if (token.length > MAX_TOKEN_LENGTH) throw new JwtError('token too long');
      const parts = token.split('.');
      if (parts.length !== 3) throw new JwtError('not a compact JWS');
      const [headerPart, claimsPart, signaturePart] = parts as [string, string, string];
      const header = parseJsonPart(headerPart, 'header');
      const check = typeof header.alg === 'string' ? checks.get(header.alg as JwtAlgorithm) : undefined;
      if (check === undefined) throw new JwtError(`algorithm ${String(header.alg)} not accepted`);
      if (header.crit !== undefined) throw new JwtError('critical header parameters are not supported');
      const signature = decodeBase64Url(signaturePart, 'signature');
      if (!check(Buffer.from(`${headerPart}.${claimsPart}`), signature)) throw new JwtError('bad signature');
      const claims = parseJsonPart(claimsPart, 'claims');
      if (options.requireExpiry === true && claims.exp === undefined) throw new JwtError('token has no exp');
      checkTimes(claims, now(), tolerance);
      if (options.issuer !== undefined && claims.iss !== options.issuer) throw new JwtError('wrong issuer');
      if (options.audience !== undefined && !audienceMatches(claims.aud, options.audience)) {
        throw new JwtError('wrong audience');
      }
      return claims;
    },
  };
}

function checkTimes(claims: Record<string, unknown>, nowMs: number, toleranceMs: number): void {
  for (const name of ['exp', 'nbf', 'iat'] as const) {
    const value = claims[name];
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) {
      throw new JwtError(`${name} must be a number`);
    }
  }
  if (typeof claims.exp === 'number' && nowMs >= claims.exp * 1000 + toleranceMs) {
    throw new JwtError('token expired', true);
  }
  if (typeof claims.nbf === 'number' && nowMs < claims.nbf * 1000 - toleranceMs) {
    throw new JwtError('token not yet valid');
  }
}

function audienceMatches(aud: unknown, expected: string): boolean {
  return aud === expected || (Array.isArray(aud) && aud.includes(expected));
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;

function decodeBase64Url(part: string, what: string): Buffer {
  if (!BASE64URL.test(part)) throw new JwtError(`${what} is not base64url`);
  return Buffer.from(part, 'base64url');
}

function parseJsonPart(part: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(decodeBase64Url(part, what).toString('utf8'));
  } catch (error) {
    if (error instanceof JwtError) throw error;
    throw new JwtError(`${what} is not JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new JwtError(`${what} is not a JSON object`);
  }
  return value as Record<string, unknown>;
}

function toSecretKey(secret: string | Uint8Array | KeyObject): KeyObject {
  if (typeof secret === 'string' || secret instanceof Uint8Array) {
    if (secret.length === 0) throw new Error('jwt secret must not be empty');
    return createSecretKey(typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret);
  }
  if (secret.type !== 'secret') throw new Error('jwt secret must be a secret key');
  return secret;
}

function toPublicKey(key: string | Uint8Array | KeyObject): KeyObject {
  if (typeof key === 'string' || key instanceof Uint8Array) return createPublicKey(Buffer.from(key));
  // A private key works for verification too; use its public half so nothing else is possible.
  return key.type === 'private' ? createPublicKey(key) : key;
}
