/**
 * The append-log format of the file store. Pure functions on bytes (no `node:` imports).
 *
 *   file   = header · record*
 *   header = "QOFL" · u8(version = 1)
 *   record = u32le(length of body) · u32le(crc32 of body) · body
 *   body   = varUint(n) · varUint8Array(update)^n                        document updates
 *          · varUint(n) · (varString(session) · varUint(seq) · varUint8Array(update))^n   pending
 *          · varUint(n) · (varString(session) · varUint(throughSeq))^n   acknowledged ranges
 *
 * One record is one write (one OfflineChanges), so a write is atomic: a record torn by a crash
 * fails its length or checksum test and is cut off; a damaged record elsewhere is skipped and
 * reported, and reading resumes at the next whole record.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { crc32 } from '../../shared/crc32.js';
import type { OfflineChanges } from './types.js';

export const LOG_HEADER = new Uint8Array([0x51, 0x4f, 0x46, 0x4c, 1]);
const RECORD_PREFIX_BYTES = 8;

export function encodeChanges(changes: OfflineChanges): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, changes.updates.length);
  for (const update of changes.updates) encoding.writeVarUint8Array(encoder, update);
  encoding.writeVarUint(encoder, changes.pending.length);
  for (const entry of changes.pending) {
    encoding.writeVarString(encoder, entry.session);
    encoding.writeVarUint(encoder, entry.seq);
    encoding.writeVarUint8Array(encoder, entry.update);
  }
  encoding.writeVarUint(encoder, changes.acknowledged.length);
  for (const range of changes.acknowledged) {
    encoding.writeVarString(encoder, range.session);
    encoding.writeVarUint(encoder, range.throughSeq);
  }
  return encoding.toUint8Array(encoder);
}

export function decodeChanges(body: Uint8Array): OfflineChanges {
  const decoder = decoding.createDecoder(body);
  const updates = Array.from({ length: decoding.readVarUint(decoder) }, () => decoding.readVarUint8Array(decoder));
  const pending = Array.from({ length: decoding.readVarUint(decoder) }, () => ({
    session: decoding.readVarString(decoder),
    seq: decoding.readVarUint(decoder),
    update: decoding.readVarUint8Array(decoder),
  }));
  const acknowledged = Array.from({ length: decoding.readVarUint(decoder) }, () => ({
    session: decoding.readVarString(decoder),
    throughSeq: decoding.readVarUint(decoder),
  }));
  if (decoding.hasContent(decoder)) throw new Error('trailing bytes after the changes');
  return { updates, pending, acknowledged };
}

/** A record ready to append: prefix and body in one buffer, so it is written with one call. */
export function encodeRecord(changes: OfflineChanges): Uint8Array {
  const body = encodeChanges(changes);
  const record = new Uint8Array(RECORD_PREFIX_BYTES + body.byteLength);
  const view = new DataView(record.buffer);
  view.setUint32(0, body.byteLength, true);
  view.setUint32(4, crc32(body), true);
  record.set(body, RECORD_PREFIX_BYTES);
  return record;
}

/** Bytes that held no whole, checksummed record. */
export interface SkippedBytes {
  offset: number;
  length: number;
}

export interface ReadLog {
  records: OfflineChanges[];
  /** End of the last whole record. */
  validBytes: number;
  /** Unreadable bytes between whole records, or a damaged last record: reported, never silently dropped. */
  damaged: SkippedBytes[];
  /** Bytes after the last whole record that are an append torn by a crash: cut off silently. */
  tornTail: number;
}

/**
 * Reads a log file's bytes; throws when the header is not a quire offline log.
 *
 * A record that fails its checksum is not the end of the log: the reader resynchronises on the
 * next offset where a whole record (length within the file, checksum, decodable body) starts, so a
 * damaged record in the middle costs that record, not every later one. A false match needs a
 * random 32-bit checksum to agree and the body to decode, so it is negligible. What follows the
 * last whole record is a torn append when its record runs past the end of the file (the usual
 * crash); a whole-length record with a bad checksum at the end is damage.
 */
export function readLog(bytes: Uint8Array): ReadLog {
  // A crash while the file was created can leave part of the header: an empty log.
  if (bytes.byteLength < LOG_HEADER.byteLength && bytes.every((byte, i) => byte === LOG_HEADER[i])) {
    return { records: [], validBytes: 0, damaged: [], tornTail: bytes.byteLength };
  }
  if (LOG_HEADER.some((byte, i) => bytes[i] !== byte)) {
    throw new Error('not a quire offline log (bad header)');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const records: OfflineChanges[] = [];
  const damaged: SkippedBytes[] = [];
  let validBytes = LOG_HEADER.byteLength;
  let tornTail = 0;
  let offset = validBytes;
  while (offset < bytes.byteLength) {
    const record = recordAt(bytes, view, offset);
    if (record !== null) {
      records.push(record.changes);
      offset = validBytes = record.end;
      continue;
    }
    let next = offset + 1;
    while (next < bytes.byteLength && recordAt(bytes, view, next) === null) next++;
    if (next === bytes.byteLength && runsPastEnd(view, offset)) tornTail = next - offset;
    else damaged.push({ offset, length: next - offset });
    offset = next;
  }
  return { records, validBytes, damaged, tornTail };
}

/** The whole record starting at `offset`, or null when there is none. */
function recordAt(bytes: Uint8Array, view: DataView, offset: number): { changes: OfflineChanges; end: number } | null {
  if (offset + RECORD_PREFIX_BYTES > bytes.byteLength) return null;
  const length = view.getUint32(offset, true);
  const start = offset + RECORD_PREFIX_BYTES;
  // Three counts at least: a shorter body is never a record.
  if (length < 3 || start + length > bytes.byteLength) return null;
  const body = bytes.subarray(start, start + length);
  // The structure first: it rejects almost every wrong offset after a few bytes, where the
  // checksum would read the whole claimed length (resynchronising over a damaged megabyte would
  // otherwise take seconds).
  if (!hasChangesShape(body)) return null;
  if (crc32(body) !== view.getUint32(offset + 4, true)) return null;
  try {
    return { changes: decodeChanges(body), end: start + length };
  } catch {
    return null;
  }
}

/** The record starting at `offset` was cut short: its prefix or its body does not fit in the file. */
function runsPastEnd(view: DataView, offset: number): boolean {
  if (offset + RECORD_PREFIX_BYTES > view.byteLength) return true;
  return offset + RECORD_PREFIX_BYTES + view.getUint32(offset, true) > view.byteLength;
}

/** Whether `body` is laid out as encodeChanges writes it (counts and lengths within bounds), without decoding it. */
function hasChangesShape(body: Uint8Array): boolean {
  let position = 0;
  const varUint = (): number => {
    let value = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      if (position >= body.byteLength) return -1;
      const byte = body[position++]!;
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
    return -1;
  };
  const skipBytes = (): boolean => {
    const length = varUint();
    if (length < 0 || position + length > body.byteLength) return false;
    position += length;
    return true;
  };
  // Each entry takes at least one byte per field, which bounds every count by what is left.
  const count = (fields: number): number => {
    const n = varUint();
    return n < 0 || n * fields > body.byteLength - position ? -1 : n;
  };
  const updates = count(1);
  if (updates < 0) return false;
  for (let i = 0; i < updates; i++) if (!skipBytes()) return false;
  const pending = count(3);
  if (pending < 0) return false;
  for (let i = 0; i < pending; i++) if (!skipBytes() || varUint() < 0 || !skipBytes()) return false;
  const acknowledged = count(2);
  if (acknowledged < 0) return false;
  for (let i = 0; i < acknowledged; i++) if (!skipBytes() || varUint() < 0) return false;
  return position === body.byteLength;
}
