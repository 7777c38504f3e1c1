/**
 * Value encoding of version metadata. Framed with a CRC like every value (records.ts); payload:
 *
 *   <format u8 = 1><json length u32 BE><JSON of the fields below><encoded Y.snapshot>
 *
 * JSON fields: id, createdAt, kind, name, authors, restoreOf, storedBytes, payload. JSON because
 * the fields are few, small and will grow; the snapshot stays binary.
 */
import { isVersionFields } from '../../versions/record-fields.js';
import type { VersionRecord } from '../../versions/types.js';
import { frame, unframe } from './records.js';

const FORMAT = 1;

export function encodeVersionMeta(record: VersionRecord): Buffer {
  const { snapshot, ...fields } = record;
  const json = Buffer.from(JSON.stringify(fields), 'utf8');
  const body = Buffer.allocUnsafe(5 + json.length + snapshot.byteLength);
  body[0] = FORMAT;
  body.writeUInt32BE(json.length, 1);
  json.copy(body, 5);
  body.set(snapshot, 5 + json.length);
  return frame(body);
}

export function decodeVersionMeta(value: Buffer): { record: VersionRecord } | { problem: string } {
  const result = unframe(value);
  if ('problem' in result) return { problem: `version meta: ${result.problem}` };
  const body = Buffer.from(result.payload.buffer, result.payload.byteOffset, result.payload.byteLength);
  if (body.length < 5 || body[0] !== FORMAT) return { problem: `version meta: unknown format ${body[0]}` };
  const jsonLength = body.readUInt32BE(1);
  if (5 + jsonLength > body.length) return { problem: 'version meta: truncated' };
  let fields: unknown;
  try {
    fields = JSON.parse(body.toString('utf8', 5, 5 + jsonLength));
  } catch {
    return { problem: 'version meta: unreadable JSON' };
  }
  if (!isVersionFields(fields)) return { problem: 'version meta: missing or invalid fields' };
  return { record: { ...fields, snapshot: new Uint8Array(body.subarray(5 + jsonLength)) } };
}
