/**
 * Sends one frame too large for a message as `update-part` messages, one at a time: each part
 * waits for the previous one's ack, so the server holds at most one frame half-assembled and a
 * rate-limited part is simply sent again after a pause (the server keeps the parts before it).
 * The final part's answer is the frame's.
 */
import type { Ack } from '../shared/ack.js';
import { ErrorCodes } from '../shared/errors.js';
import { splitIntoParts } from '../shared/protocol/parts.js';
import type { SyncTransport } from './session-types.js';

export interface UploadControl {
  /** Sends a message of `bytes`; resolves with the answer, or null once the connection is lost. */
  request<T>(start: (resolve: (value: T) => void) => void, bytes: number): Promise<T | null>;
  /** Waits before resending a rate-limited part; false once the connection is lost. */
  pause(): Promise<boolean>;
  onRateLimited(answer: Ack): void;
}

/** The frame's answer, or null when the connection was lost on the way. */
export async function uploadInParts(
  transport: SyncTransport,
  /** Unique per connection. */
  id: number,
  frame: Uint8Array,
  partBytes: number,
  control: UploadControl,
): Promise<Ack | null> {
  const parts = splitIntoParts(frame, partBytes);
  for (let index = 0; index < parts.length; ) {
    const header = { id, index, total: frame.byteLength, final: index === parts.length - 1 };
    const part = parts[index]!;
    const answer = await control.request<Ack>((resolve) => transport.updatePart(header, part, resolve), part.byteLength);
    if (answer === null) return null;
    if (!answer.ok && answer.code === ErrorCodes.RATE_LIMITED) {
      control.onRateLimited(answer);
      if (!(await control.pause())) return null;
      continue;
    }
    if (!answer.ok || header.final) return answer;
    index++;
  }
  return null;
}
