/**
 * Seeded namespace joins a hostile client might try: random and malformed document names, other
 * spellings of valid ones, and bad handshake payloads (missing or wrong protocol, bad tokens).
 */
import * as prng from 'lib0/prng';
import { isValidDocName } from '../../../shared/doc-name.js';
import { PROTOCOL_VERSION } from '../../../shared/protocol/version.js';
import { tokenFor } from '../tokens.js';

type Gen = prng.PRNG;

export interface BadJoin {
  kind: string;
  /** The namespace as sent in the CONNECT packet. */
  namespace: string;
  auth: unknown;
  /** Whether the join may be admitted (a valid name under flood/ with a valid token). */
  mayBeAdmitted: boolean;
}

const int = (gen: Gen, min: number, max: number) => prng.int53(gen, min, max);

function name(gen: Gen): { kind: string; namespace: string; valid: boolean } {
  switch (int(gen, 0, 7)) {
    case 0:
    case 1:
      return { kind: 'random-name', namespace: `/doc/${encodeURIComponent(`flood/${prng.word(gen, 1, 16)}`)}`, valid: true };
    case 2: {
      // Lone surrogates cannot be URI-encoded; make the string well formed first.
      const docName = `flood/${prng.utf16String(gen, 12).toWellFormed()}`;
      return { kind: 'unicode-name', namespace: `/doc/${encodeURIComponent(docName)}`, valid: isValidDocName(docName) };
    }
    case 3:
      return {
        kind: 'bad-percent-encoding',
        namespace: prng.oneOf(gen, ['/doc/%', '/doc/%E0%A4%A', '/doc/%ZZ', '/doc/%C0%80', '/doc/%ED%A0%80']),
        valid: false,
      };
    case 4:
      return {
        kind: 'control-characters',
        namespace: `/doc/flood%2F${prng.oneOf(gen, ['%00', '%0A', '%1B', '%7F', '%C2%85'])}x`,
        valid: false,
      };
    case 5:
      return { kind: 'overlong-name', namespace: `/doc/${'n'.repeat(int(gen, 256, 3000))}`, valid: false };
    case 6:
      // Other spellings of a valid name (must be refused: one namespace per document).
      return {
        kind: 'non-canonical-name',
        namespace: prng.oneOf(gen, ['/doc/flood/a', '/doc/flood%2fa', '/doc/fl%6Fod%2Fa']),
        valid: false,
      };
    default:
      return {
        kind: 'not-a-document',
        namespace: prng.oneOf(gen, ['/doc/', '/docs/x', '/', '/admin', `/${prng.word(gen, 1, 8)}`, '/doc/a,b', '/doc/a"]']),
        valid: false,
      };
  }
}

function auth(gen: Gen): { auth: unknown; valid: boolean } {
  switch (int(gen, 0, 9)) {
    case 0:
      return { auth: undefined, valid: false };
    case 1:
      return { auth: { protocol: PROTOCOL_VERSION + int(gen, 1, 5) }, valid: false };
    case 2:
      return { auth: { protocol: String(PROTOCOL_VERSION), token: tokenFor({ '*': 'write' }) }, valid: false };
    case 3:
      return { auth: { protocol: PROTOCOL_VERSION, token: prng.word(gen, 0, 200) }, valid: false };
    case 4:
      return { auth: { protocol: PROTOCOL_VERSION, token: tokenFor({ 'flood/*': 'write' }, -60) }, valid: false };
    case 5:
      return { auth: { protocol: PROTOCOL_VERSION, token: tokenFor({ 'elsewhere/*': 'write' }) }, valid: false };
    case 6:
      return { auth: { protocol: PROTOCOL_VERSION, token: { not: 'a string' }, session: 12 }, valid: false };
    default:
      return {
        auth: { protocol: PROTOCOL_VERSION, token: tokenFor({ 'flood/*': prng.oneOf(gen, ['read', 'write'] as const) }) },
        valid: true,
      };
  }
}

export function badJoin(gen: Gen): BadJoin {
  const target = name(gen);
  const handshake = auth(gen);
  return { kind: target.kind, namespace: target.namespace, auth: handshake.auth, mayBeAdmitted: target.valid && handshake.valid };
}
