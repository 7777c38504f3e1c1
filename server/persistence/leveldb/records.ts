import { crc32 } from '../../../shared/crc32.js';

/**
 * Value encoding. Every value is `<crc32 of payload, 4 bytes big-endian><payload>`.
 *
 * Why a checksum of our own: LevelDB checks its blocks, but not what was written through it (a
 * stray tool, a bug, a restored file of another version). Checking a CRC costs microseconds even
 * for a large snapshot, where decoding it as Yjs would cost tens of milliseconds of every cold load
 * and would still accept some garbage (two zero bytes are a valid empty update).
 *
 * Meta payload, version 1 (41 bytes): <version u8 = 1> then five float64 big-endian integers:
 *   nextSeq, tailCount, tailBytes, snapshotBytes, updatedAt (ms since epoch).
 */

const CRC_BYTES = 4;
const META_VERSION = 1;
const META_FIELDS = ['nextSeq', 'tailCount', 'tailBytes', 'snapshotBytes', 'updatedAt'] as const;
const META_BYTES = 1 + 8 * META_FIELDS.length;

export interface DocMeta {
  /** The seq the next appended update gets. */
  nextSeq: number;
  /** Updates in the tail (appended since the last compaction). */
  tailCount: number;
  /** Payload bytes of the tail. */
  tailBytes: number;
  /** Payload bytes of the snapshot; 0 when there is none. */
  snapshotBytes: number;
  /** Milliseconds since the epoch of the last write. */
  updatedAt: number;
}

export const EMPTY_META: Readonly<DocMeta> = Object.freeze({
  nextSeq: 0,
  tailCount: 0,
  tailBytes: 0,
  snapshotBytes: 0,
  updatedAt: 0,
});

/** `payload` framed with its checksum: the value written to LevelDB. */
export function frame(payload: Uint8Array): Buffer {
  const value = Buffer.allocUnsafe(CRC_BYTES + payload.byteLength);
  value.writeUInt32BE(crc32(payload), 0);
  value.set(payload, CRC_BYTES);
  return value;
}

/** The payload of a stored value, or a description of why it is not a valid one. */
export function unframe(value: Buffer): { payload: Uint8Array } | { problem: string } {
  if (value.length < CRC_BYTES) return { problem: `value of ${value.length} bytes is too short` };
  // A plain Uint8Array view (not a Buffer) so callers compare equal to what was appended.
  const payload = new Uint8Array(value.buffer, value.byteOffset + CRC_BYTES, value.length - CRC_BYTES);
  if (value.readUInt32BE(0) !== crc32(payload)) return { problem: 'checksum mismatch' };
  return { payload };
}

export function encodeMeta(meta: DocMeta): Buffer {
  const payload = Buffer.allocUnsafe(META_BYTES);
  payload[0] = META_VERSION;
  META_FIELDS.forEach((field, i) => payload.writeDoubleBE(meta[field], 1 + 8 * i));
  return frame(payload);
}

export function decodeMeta(value: Buffer): { meta: DocMeta } | { problem: string } {
  const result = unframe(value);
  if ('problem' in result) return { problem: `meta: ${result.problem}` };
  const payload = Buffer.from(result.payload.buffer, result.payload.byteOffset, result.payload.byteLength);
  if (payload.length !== META_BYTES || payload[0] !== META_VERSION) {
    return { problem: `meta: unknown format (version ${payload[0]}, ${payload.length} bytes)` };
  }
  const meta = { ...EMPTY_META };
  for (const [i, field] of META_FIELDS.entries()) {
    const n = payload.readDoubleBE(1 + 8 * i);
    if (!Number.isSafeInteger(n) || n < 0) return { problem: `meta: ${field} is ${n}` };
    meta[field] = n;
  }
  return { meta };
}
