/**
 * Issues tokens `jwtAuth` accepts, for an application backend that hands tokens to its users (and
 * for tests). Any standard JWT library produces the same tokens; this one needs only node:crypto.
 */
import { type KeyObject, createHmac, createPrivateKey, sign } from 'node:crypto';
import type { JwtAlgorithm } from './jwt-verify.js';

export interface SignKeys {
  /** HS256 shared secret. */
  secret?: string | Uint8Array;
  /** RSA (RS256) or P-256 EC (ES256) private key, PEM or KeyObject. */
  privateKey?: string | Uint8Array | KeyObject;
}

function base64url(value: string | Uint8Array): string {
  return Buffer.from(value).toString('base64url');
}

/** Signs `claims`, adding `iat` (now) when they have none: revocation compares it (docs/SECURITY.md). */
export function signJwt(claims: Record<string, unknown>, keys: SignKeys): string {
  if (claims.iat === undefined) claims = { iat: Math.floor(Date.now() / 1000), ...claims };
  let alg: JwtAlgorithm;
  let signPart: (data: Buffer) => Buffer;
  if (keys.secret !== undefined) {
    const secret = keys.secret;
    alg = 'HS256';
    signPart = (data) => createHmac('sha256', secret).update(data).digest();
  } else if (keys.privateKey !== undefined) {
    const key =
      typeof keys.privateKey === 'string' || keys.privateKey instanceof Uint8Array
        ? createPrivateKey(Buffer.from(keys.privateKey))
        : keys.privateKey;
    if (key.asymmetricKeyType === 'rsa') {
      alg = 'RS256';
      signPart = (data) => sign('sha256', data, key);
    } else if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') {
      alg = 'ES256';
      signPart = (data) => sign('sha256', data, { key, dsaEncoding: 'ieee-p1363' });
    } else {
      throw new Error('privateKey must be an RSA key or a P-256 EC key');
    }
  } else {
    throw new Error('signJwt: give a secret or a privateKey');
  }
  const signingInput = `${base64url(JSON.stringify({ alg, typ: 'JWT' }))}.${base64url(JSON.stringify(claims))}`;
  return `${signingInput}.${base64url(signPart(Buffer.from(signingInput)))}`;
}
