import { createHmac, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { jwtAuth, signJwt } from '../../server/index.js';
import type { HandshakeInfo } from '../../server/index.js';
import { QuireError } from '../../shared/errors.js';

const secret = 'a-shared-secret-of-at-least-32-bytes!';
const inAnHour = () => Math.floor(Date.now() / 1000) + 3600;
const handshake = (token: string | undefined): HandshakeInfo => ({ token, auth: {}, headers: {}, address: '', query: {}, params: {} });

function refusalCode(run: () => unknown): string | null {
  try {
    run();
    return null;
  } catch (error) {
    return error instanceof QuireError ? error.code : `not a QuireError: ${String(error)}`;
  }
}

function b64(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

describe('JWT tokens are verified with node:crypto and grant documents by pattern', () => {
  const auth = jwtAuth({ secret });

  it('accepts an HS256 token and grants what its docs claim lists', async () => {
    const token = signJwt({ sub: 'alice', exp: inAnHour(), docs: { 'team/*': 'write', handbook: 'read' } }, { secret });
    const principal = auth.authenticate(handshake(token));
    expect(await auth.authorize(principal, 'team/notes')).toBe('write');
    expect(await auth.authorize(principal, 'team/')).toBe('write');
    expect(await auth.authorize(principal, 'handbook')).toBe('read');
    expect(await auth.authorize(principal, 'handbook2')).toBeNull();
    expect(await auth.authorize(principal, 'teams')).toBeNull();
  });

  it('grants the most permissive of several matching entries', async () => {
    const token = signJwt({ exp: inAnHour(), docs: { '*': 'read', 'drafts/*': 'write', 'drafts/x': 'read' } }, { secret });
    const principal = auth.authenticate(handshake(token));
    expect(await auth.authorize(principal, 'anything')).toBe('read');
    expect(await auth.authorize(principal, 'drafts/x')).toBe('write');
  });

  it('accepts RS256 and ES256 tokens with the matching public key', async () => {
    for (const type of ['rsa', 'ec'] as const) {
      const pair =
        type === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const pem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
      const keyed = jwtAuth({ publicKey: pem });
      const token = signJwt({ exp: inAnHour(), docs: { d: 'write' } }, { privateKey: pair.privateKey });
      expect(await keyed.authorize(keyed.authenticate(handshake(token)), 'd')).toBe('write');
      const otherPair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const forged = signJwt({ exp: inAnHour(), docs: { d: 'write' } }, { privateKey: otherPair.privateKey });
      expect(refusalCode(() => keyed.authenticate(handshake(forged)))).toBe('AUTH_FAILED');
    }
  });

  it('refuses a missing, malformed, wrongly signed or tampered token with AUTH_FAILED', () => {
    const good = signJwt({ exp: inAnHour(), docs: { d: 'read' } }, { secret });
    const [header, , signature] = good.split('.');
    const tampered = `${header}.${b64({ exp: inAnHour(), docs: { d: 'write' } })}.${signature}`;
    for (const token of [undefined, '', 'abc', 'a.b.c', `${good}x`, tampered, signJwt({ docs: { d: 'read' } }, { secret: 'other' })]) {
      expect(refusalCode(() => auth.authenticate(handshake(token)))).toBe('AUTH_FAILED');
    }
  });

  it('refuses "alg": "none" and HS256 signed with the public key (algorithm confusion)', () => {
    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ docs: { d: 'write' } })}.`;
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const keyed = jwtAuth({ publicKey: pem });
    const input = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ docs: { d: 'write' } })}`;
    const confused = `${input}.${createHmac('sha256', pem).update(input).digest('base64url')}`;
    expect(refusalCode(() => auth.authenticate(handshake(none)))).toBe('AUTH_FAILED');
    expect(refusalCode(() => keyed.authenticate(handshake(none)))).toBe('AUTH_FAILED');
    expect(refusalCode(() => keyed.authenticate(handshake(confused)))).toBe('AUTH_FAILED');
  });

  it('refuses an expired token with TOKEN_EXPIRED and a not-yet-valid one with AUTH_FAILED', () => {
    const now = Math.floor(Date.now() / 1000);
    const expired = signJwt({ exp: now - 1, docs: { d: 'read' } }, { secret });
    const early = signJwt({ nbf: now + 60, docs: { d: 'read' } }, { secret });
    expect(refusalCode(() => auth.authenticate(handshake(expired)))).toBe('TOKEN_EXPIRED');
    expect(refusalCode(() => auth.authenticate(handshake(early)))).toBe('AUTH_FAILED');
    const tolerant = jwtAuth({ secret, clockToleranceSeconds: 120 });
    expect(refusalCode(() => tolerant.authenticate(handshake(expired)))).toBeNull();
  });

  it('refuses tokens whose docs claim is missing or malformed, or whose iss/aud do not match', () => {
    const checked = jwtAuth({ secret, issuer: 'https://issuer.example', audience: 'quire' });
    const cases = [
      { exp: inAnHour() },
      { exp: inAnHour(), docs: ['d'] },
      { exp: inAnHour(), docs: { d: 'admin' } },
      { exp: 'tomorrow', docs: { d: 'read' } },
    ];
    for (const claims of cases) expect(refusalCode(() => auth.authenticate(handshake(signJwt(claims, { secret }))))).toBe('AUTH_FAILED');
    const base = { exp: inAnHour(), docs: { d: 'read' } };
    const good = { ...base, iss: 'https://issuer.example', aud: ['other', 'quire'] };
    expect(refusalCode(() => checked.authenticate(handshake(signJwt(good, { secret }))))).toBeNull();
    expect(refusalCode(() => checked.authenticate(handshake(signJwt({ ...good, iss: 'evil' }, { secret }))))).toBe('AUTH_FAILED');
    expect(refusalCode(() => checked.authenticate(handshake(signJwt({ ...good, aud: 'x' }, { secret }))))).toBe('AUTH_FAILED');
  });

  it('refuses to start without a key, or with a key of an unsupported type', () => {
    expect(() => jwtAuth({})).toThrow();
    const ed = generateKeyPairSync('ed25519');
    expect(() => jwtAuth({ publicKey: ed.publicKey })).toThrow();
  });
});
