/**
 * Seeded generators of bad messages for one document socket. Each returns the event, its
 * arguments and whether to pass an ack callback; the same seed always gives the same inputs.
 */
import * as encoding from 'lib0/encoding';
import * as prng from 'lib0/prng';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { encodeSyncFrame } from '../../../shared/protocol/sync.js';

type Gen = prng.PRNG;

export interface BadMessage {
  /** The generator that made it, for reports. */
  kind: string;
  event: string;
  args: unknown[];
  withAck: boolean;
}

export interface PayloadLimits {
  maxUpdateBytes: number;
  maxAwarenessBytes: number;
  maxMessageBytes: number;
}

const int = (gen: Gen, min: number, max: number) => prng.int53(gen, min, max);
const bytes = (gen: Gen, min: number, max: number) => prng.uint8Array(gen, int(gen, min, max));
const event = (gen: Gen) => prng.oneOf(gen, ['update', 'update', 'awareness', 'sync-step-1']);

/** A valid update frame from a fresh document with a few random edits. */
export function validUpdate(gen: Gen, clientId = prng.uint32(gen, 1, 2 ** 31)): Uint8Array {
  const doc = new Y.Doc();
  doc.clientID = clientId;
  const edits = int(gen, 1, 4);
  for (let i = 0; i < edits; i++) {
    switch (int(gen, 0, 3)) {
      case 0:
        doc.getText('text').insert(0, prng.word(gen, 1, 12));
        break;
      case 1:
        doc.getMap('map').set(prng.word(gen, 1, 6), prng.oneOf(gen, [1, 'x', null, { deep: [1, 2] }, true]));
        break;
      case 2:
        doc.getArray('array').push([prng.int31(gen, 0, 1000)]);
        break;
      default: {
        const text = doc.getText('text');
        text.insert(0, 'abcdef');
        text.delete(1, int(gen, 1, 4));
      }
    }
  }
  return Y.encodeStateAsUpdate(doc);
}

function varUint(value: number): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, value);
  return encoding.toUint8Array(encoder);
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}

const huge = (gen: Gen) => prng.oneOf(gen, [2 ** 31, 2 ** 32 - 1, 2 ** 40, 2 ** 53 - 1, int(gen, 2 ** 20, 2 ** 30)]);

/** Random bytes, raw or wrapped in a correct sync frame so that they reach the Yjs decoder. */
function randomBytes(gen: Gen): BadMessage {
  const raw = prng.bool(gen) ? bytes(gen, 0, 48) : bytes(gen, 49, 2048);
  const framed = prng.bool(gen);
  const ev = event(gen);
  const payload = framed && ev !== 'awareness' ? encodeSyncFrame(ev === 'sync-step-1' ? 'step1' : 'update', raw) : raw;
  return { kind: framed ? 'random-framed' : 'random-bytes', event: ev, args: [payload], withAck: prng.bool(gen) };
}

/** A valid update cut short, either inside the frame or inside a correctly framed payload. */
function truncated(gen: Gen): BadMessage {
  const update = validUpdate(gen);
  const cut = update.subarray(0, int(gen, 0, update.byteLength - 1));
  const payload = prng.bool(gen)
    ? encodeSyncFrame('update', cut)
    : encodeSyncFrame('update', update).subarray(0, int(gen, 1, update.byteLength));
  return { kind: 'truncated', event: 'update', args: [payload], withAck: true };
}

/** A valid update with a few bits flipped: often still decodable, with nonsense in it. */
export function bitFlipped(gen: Gen): BadMessage {
  const update = validUpdate(gen);
  const flips = int(gen, 1, 3);
  for (let i = 0; i < flips; i++) update[int(gen, 0, update.byteLength - 1)]! ^= 1 << int(gen, 0, 7);
  return {
    kind: 'bit-flipped',
    event: 'update',
    args: [encodeSyncFrame(prng.oneOf(gen, ['update', 'step2'] as const), update)],
    withAck: true,
  };
}

/** Lengths and counts that claim far more data than there is. */
function hugeVarints(gen: Gen): BadMessage {
  const n = huge(gen);
  const variants: [string, Uint8Array][] = [
    ['update', concat(varUint(2), varUint(n), bytes(gen, 0, 8))],
    ['update', encodeSyncFrame('update', concat(varUint(n), bytes(gen, 0, 8)))],
    // one client with a huge number of structs / a string claiming a huge length
    ['update', encodeSyncFrame('update', concat(varUint(1), varUint(n), varUint(7), varUint(0), bytes(gen, 0, 6)))],
    [
      'update',
      encodeSyncFrame('update', concat(varUint(1), varUint(1), varUint(7), varUint(0), new Uint8Array([4]), varUint(n), bytes(gen, 0, 4))),
    ],
    // delete set with a huge range
    ['update', encodeSyncFrame('update', concat(varUint(0), varUint(1), varUint(7), varUint(1), varUint(0), varUint(n)))],
    ['sync-step-1', encodeSyncFrame('step1', concat(varUint(n), bytes(gen, 0, 8)))],
    ['sync-step-1', concat(varUint(0), varUint(n))],
    ['awareness', concat(varUint(n), bytes(gen, 0, 8))],
    ['awareness', concat(varUint(1), varUint(prng.uint32(gen, 1, 2 ** 31)), varUint(1), varUint(n), bytes(gen, 0, 8))],
    ['awareness', concat(varUint(1), varUint(n), varUint(n), varUint(2), new TextEncoder().encode('{}'))],
  ];
  const [ev, payload] = prng.oneOf(gen, variants);
  return { kind: 'huge-varint', event: ev, args: [payload], withAck: prng.bool(gen) };
}

/** Payloads of the wrong type, including the forms a careless client would send bytes in. */
function wrongType(gen: Gen): BadMessage {
  const values: unknown[] = [
    'a string',
    prng.word(gen, 0, 40),
    42,
    -1,
    Number.MAX_SAFE_INTEGER,
    3.14,
    { type: 'update', data: [1, 2, 3] },
    { byteLength: 10 },
    [],
    [2, 3, 0, 0, 0],
    null,
    true,
    JSON.parse('{"__proto__": {"polluted": true}}'),
    { constructor: { prototype: { polluted: true } } },
    Array.from(bytes(gen, 0, 32)),
    Buffer.from(bytes(gen, 0, 16)).toString('base64'),
    'x'.repeat(int(gen, 1_000, 50_000)),
    [new Uint8Array([2, 2, 0, 0])],
    { nested: new Uint8Array([0, 1, 0]) },
  ];
  const value = prng.oneOf(gen, values);
  const ev = event(gen);
  // A non-function where the ack goes: the server can only answer with a notice.
  if (prng.int31(gen, 0, 3) === 0)
    return { kind: 'wrong-type', event: ev, args: [value, prng.oneOf(gen, [1, 'ack', null, {}])], withAck: false };
  return { kind: 'wrong-type', event: ev, args: [value], withAck: prng.bool(gen) };
}

/** A plausible message without an ack callback where one is expected. */
function missingAck(gen: Gen): BadMessage {
  return prng.bool(gen)
    ? { kind: 'missing-ack', event: 'sync-step-1', args: [encodeSyncFrame('step1', varUint(0))], withAck: false }
    : { kind: 'missing-ack', event: 'update', args: [encodeSyncFrame('update', bytes(gen, 2, 30))], withAck: false };
}

/** Larger than the update or awareness limit, but within the message limit. */
function oversized(gen: Gen, limits: PayloadLimits): BadMessage {
  if (prng.bool(gen)) {
    return { kind: 'oversized', event: 'update', args: [new Uint8Array(limits.maxUpdateBytes + int(gen, 1, 1024))], withAck: true };
  }
  return { kind: 'oversized', event: 'awareness', args: [new Uint8Array(limits.maxAwarenessBytes + int(gen, 1, 1024))], withAck: true };
}

/** Larger than the whole-message limit: the server closes the connection before parsing it. */
export function overMessageLimit(gen: Gen, limits: PayloadLimits): BadMessage {
  return { kind: 'over-message-limit', event: 'update', args: [new Uint8Array(limits.maxMessageBytes + int(gen, 1, 4096))], withAck: true };
}

const oddEventNames = [
  'error',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'Update',
  'update ',
  'sync-step-2',
  'notice',
  'awareness\u0000',
  '',
];

function unknownEvent(gen: Gen): BadMessage {
  const name = prng.bool(gen) ? prng.oneOf(gen, oddEventNames) : prng.utf16String(gen, 20);
  const args = prng.oneOf(gen, [[], [1], [bytes(gen, 0, 16)], [{ a: 1 }, 'b'], [null]]);
  return { kind: 'unknown-event', event: name, args, withAck: prng.bool(gen) };
}

/** Awareness that decodes but must be refused: bad JSON, too many entries, too many own ids. */
function badAwareness(gen: Gen): BadMessage {
  const encoder = encoding.createEncoder();
  const variant = int(gen, 0, 2);
  const count = variant === 1 ? int(gen, 17, 60) : int(gen, 1, 8);
  encoding.writeVarUint(encoder, count);
  for (let i = 0; i < count; i++) {
    encoding.writeVarUint(encoder, prng.uint32(gen, 1, 2 ** 31));
    encoding.writeVarUint(encoder, int(gen, 0, 2 ** 40));
    encoding.writeVarString(encoder, variant === 0 ? prng.oneOf(gen, ['{', 'nul', '{"a":}', '\u0000', '']) : JSON.stringify({ i }));
  }
  return { kind: 'bad-awareness', event: 'awareness', args: [encoding.toUint8Array(encoder)], withAck: prng.bool(gen) };
}

/** Awareness states claiming to be other clients (spoofing): updates and removals. */
export function spoofedAwareness(gen: Gen, victimIds: readonly number[]): BadMessage {
  const targetsVictim = victimIds.length > 0 && prng.int31(gen, 0, 3) > 0;
  const victim = targetsVictim ? prng.oneOf(gen, [...victimIds]) : prng.uint32(gen, 1, 2 ** 31);
  const doc = new Y.Doc();
  doc.clientID = victim;
  const awareness = new awarenessProtocol.Awareness(doc);
  awareness.setLocalState(prng.bool(gen) ? null : { user: 'impostor', cursor: prng.int31(gen, 0, 100) });
  awareness.meta.set(victim, { clock: int(gen, 0, 2 ** 40), lastUpdated: 0 });
  const update = awarenessProtocol.encodeAwarenessUpdate(awareness, [victim]);
  awareness.destroy();
  doc.destroy();
  // Random ids are claimed by the sender (up to its limit); victims' ids must always be refused.
  return { kind: targetsVictim ? 'spoofed-awareness' : 'random-id-awareness', event: 'awareness', args: [update], withAck: prng.bool(gen) };
}

/** A well-formed awareness update for the sender's own id. */
export function ownAwareness(clientId: number): Uint8Array {
  const doc = new Y.Doc();
  doc.clientID = clientId;
  const awareness = new awarenessProtocol.Awareness(doc);
  awareness.setLocalState({ user: 'churn' });
  const update = awarenessProtocol.encodeAwarenessUpdate(awareness, [clientId]);
  awareness.destroy();
  doc.destroy();
  return update;
}

export type PayloadCategory =
  | 'random'
  | 'truncated'
  | 'bit-flipped'
  | 'huge-varint'
  | 'wrong-type'
  | 'missing-ack'
  | 'oversized'
  | 'unknown-event'
  | 'bad-awareness';

/** One bad message from the allowed categories, chosen by weight. */
export function badMessage(gen: Gen, categories: readonly PayloadCategory[], limits: PayloadLimits): BadMessage {
  const category = prng.oneOf(gen, [...categories]);
  switch (category) {
    case 'random':
      return randomBytes(gen);
    case 'truncated':
      return truncated(gen);
    case 'bit-flipped':
      return bitFlipped(gen);
    case 'huge-varint':
      return hugeVarints(gen);
    case 'wrong-type':
      return wrongType(gen);
    case 'missing-ack':
      return missingAck(gen);
    case 'oversized':
      return oversized(gen, limits);
    case 'unknown-event':
      return unknownEvent(gen);
    case 'bad-awareness':
      return badAwareness(gen);
  }
}
