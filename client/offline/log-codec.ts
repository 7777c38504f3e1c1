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
 * fails its length or checksum test, and the log is read up to the last whole record.
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

export interface ReadLog {
  records: OfflineChanges[];
  /** Bytes up to the end of the last whole record; anything after it is a torn write. */
  validBytes: number;
}

/** Reads a log file's bytes; throws when the header is not a quire offline log. */
export function readLog(bytes: Uint8Array): ReadLog {
  // A crash while the file was created can leave part of the header: an empty log.
  if (bytes.byteLength < LOG_HEADER.byteLength && bytes.every((byte, i) => byte === LOG_HEADER[i])) {
    return { records: [], validBytes: 0 };
  }
  if (LOG_HEADER.some((byte, i) => bytes[i] !== byte)) {
    throw new Error('not a quire offline log (bad header)');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const records: OfflineChanges[] = [];
  let offset = LOG_HEADER.byteLength;
  while (offset + RECORD_PREFIX_BYTES <= bytes.byteLength) {
    const length = view.getUint32(offset, true);
    const checksum = view.getUint32(offset + 4, true);
    const start = offset + RECORD_PREFIX_BYTES;
    if (start + length > bytes.byteLength) break;
    const body = bytes.subarray(start, start + length);
    if (crc32(body) !== checksum) break;
    records.push(decodeChanges(body));
    offset = start + length;
  }
  return { records, validBytes: offset };
}
