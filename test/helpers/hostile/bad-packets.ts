/**
 * Seeded engine.io messages that are not well-formed Socket.io packets: broken JSON, unknown packet
 * types, attachment counts that never arrive or are absurd, binary frames out of place, packets for
 * namespaces the connection never joined, deeply nested payloads.
 */
import * as prng from 'lib0/prng';

type Gen = prng.PRNG;

export interface BadPacket {
  kind: string;
  data: string | Uint8Array;
}

export function badPacket(gen: Gen): BadPacket {
  const nsp = prng.oneOf(gen, ['/doc/flood%2Fraw', '/doc/x', '/nope', '']);
  const head = nsp === '' ? '' : `${nsp},`;
  switch (prng.int31(gen, 0, 9)) {
    case 0:
      return { kind: 'broken-json', data: `2${head}["update",${prng.word(gen, 0, 10)}` };
    case 1:
      return { kind: 'unknown-type', data: `${prng.int31(gen, 7, 9)}${head}[]` };
    case 2:
      return { kind: 'attachments-never-sent', data: `51-${head}["update",{"_placeholder":true,"num":0}]` };
    case 3:
      return { kind: 'absurd-attachment-count', data: `5${prng.oneOf(gen, ['999999', '-1', '1e9', '4294967296'])}-${head}["update"]` };
    case 4:
      return { kind: 'stray-binary', data: prng.uint8Array(gen, prng.int31(gen, 0, 64)) };
    case 5:
      return { kind: 'event-before-join', data: `2${head}["update",{"_placeholder":true,"num":0}]` };
    case 6:
      return { kind: 'ack-for-nothing', data: `3${head}${prng.int31(gen, 0, 1_000_000)}[]` };
    case 7: {
      const depth = prng.int31(gen, 1_000, 50_000);
      return { kind: 'deep-nesting', data: `2${head}["update",${'['.repeat(depth)}${']'.repeat(depth)}]` };
    }
    case 8:
      return { kind: 'disconnect-unjoined', data: `1${head}` };
    default:
      return { kind: 'random-text', data: prng.utf16String(gen, 64) };
  }
}
