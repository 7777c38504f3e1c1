/**
 * Updates larger than one message travel in parts (`update-part` events): consecutive slices of
 * the whole sync frame, each with an `UpdatePartHeader`. The server reassembles them per
 * connection and applies the frame when the final part arrives.
 *
 * How large a part may be: Socket.io refuses (and closes the connection over) any message above
 * its `maxHttpBufferSize`. Over WebSocket a binary attachment is its own frame; over long-polling
 * it travels base64-encoded (4 bytes per 3) inside an HTTP body that holds the event header too.
 * So a part must fit in 3/4 of the message limit, less room for the headers.
 */
import type { UpdatePartHeader } from '../events.js';

/** Room for the Socket.io event header, the part header and engine.io's framing. */
const HEADER_ROOM_BYTES = 1024;
/** Parts smaller than this would cost more in headers than they carry. */
export const MIN_PART_BYTES = 4 * 1024;

/** The largest part (and single-message frame) that fits both limits on every transport. */
export function partBytesFor(maxUpdateBytes: number, maxMessageBytes: number): number {
  const base64Safe = Math.floor(((maxMessageBytes - HEADER_ROOM_BYTES) * 3) / 4);
  return Math.max(MIN_PART_BYTES, Math.min(maxUpdateBytes, base64Safe));
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

export function isUpdatePartHeader(value: unknown): value is UpdatePartHeader {
  if (typeof value !== 'object' || value === null) return false;
  const { id, index, total, final } = value as Record<string, unknown>;
  return isCount(id) && isCount(index) && isCount(total) && total > 0 && typeof final === 'boolean';
}

/** Splits a frame into parts of at most `partBytes` (views, not copies). */
export function splitIntoParts(frame: Uint8Array, partBytes: number): Uint8Array[] {
  const parts: Uint8Array[] = [];
  for (let start = 0; start < frame.byteLength; start += partBytes) parts.push(frame.subarray(start, start + partBytes));
  return parts;
}
