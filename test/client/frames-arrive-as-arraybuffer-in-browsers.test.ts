/**
 * Browsers receive Socket.io binary attachments as ArrayBuffer, Node as Buffer; the provider
 * must decode both the same way (the real-browser suite covers it end to end).
 */
import { describe, expect, it } from 'vitest';
import { toBytes } from '../../client/binary.js';
import { decodeSyncFrame, encodeSyncFrame } from '../../shared/protocol/sync.js';

describe('binary frames as browsers receive them', () => {
  const payload = new Uint8Array([1, 2, 3, 250]);
  const frame = encodeSyncFrame('update', payload);

  it('decodes a frame delivered as an ArrayBuffer like one delivered as a Buffer', () => {
    const asArrayBuffer = new Uint8Array(frame).buffer;
    expect(decodeSyncFrame(toBytes(asArrayBuffer))).toEqual({ type: 'update', payload });
    expect(decodeSyncFrame(toBytes(Buffer.from(frame)))).toEqual({ type: 'update', payload });
  });

  it('respects the offset of a view into a larger buffer', () => {
    const larger = new Uint8Array(frame.byteLength + 8);
    larger.set(frame, 4);
    const view = new DataView(larger.buffer, 4, frame.byteLength);
    expect(decodeSyncFrame(toBytes(view)).payload).toEqual(payload);
  });
});
