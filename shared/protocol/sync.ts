/**
 * Sync frames: exactly y-protocols' sync messages, carried as binary Socket.io attachments.
 *
 *   frame = varUint(type) · varUint8Array(payload)
 *   type 0 (step 1): payload is the sender's state vector
 *   type 1 (step 2): payload is a Yjs update with what the receiver lacks
 *   type 2 (update): payload is a Yjs update
 *
 * Keeping y-protocols' framing means any y-protocols implementation can read our payloads.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { messageYjsSyncStep1, messageYjsSyncStep2, messageYjsUpdate } from 'y-protocols/sync';

export const SyncFrameType = {
  step1: messageYjsSyncStep1,
  step2: messageYjsSyncStep2,
  update: messageYjsUpdate,
} as const;

export type SyncFrameTypeName = keyof typeof SyncFrameType;

export interface SyncFrame {
  type: SyncFrameTypeName;
  /** State vector for step 1, a Yjs update otherwise. */
  payload: Uint8Array;
}

export function encodeSyncFrame(type: SyncFrameTypeName, payload: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, SyncFrameType[type]);
  encoding.writeVarUint8Array(encoder, payload);
  return encoding.toUint8Array(encoder);
}

/** Decodes a frame; throws on malformed bytes (callers turn that into MALFORMED_UPDATE). */
export function decodeSyncFrame(bytes: Uint8Array): SyncFrame {
  const decoder = decoding.createDecoder(bytes);
  const typeNumber = decoding.readVarUint(decoder);
  const payload = decoding.readVarUint8Array(decoder);
  if (decoding.hasContent(decoder)) throw new Error('trailing bytes after sync frame');
  switch (typeNumber) {
    case messageYjsSyncStep1:
      return { type: 'step1', payload };
    case messageYjsSyncStep2:
      return { type: 'step2', payload };
    case messageYjsUpdate:
      return { type: 'update', payload };
    default:
      throw new Error(`unknown sync frame type ${typeNumber}`);
  }
}

/** A frame's type from its first bytes alone (for cheap checks before decoding); throws when unknown. */
export function decodeSyncFrameType(bytes: Uint8Array): SyncFrameTypeName {
  const typeNumber = decoding.readVarUint(decoding.createDecoder(bytes));
  if (typeNumber === messageYjsSyncStep1) return 'step1';
  if (typeNumber === messageYjsSyncStep2) return 'step2';
  if (typeNumber === messageYjsUpdate) return 'update';
  throw new Error(`unknown sync frame type ${typeNumber}`);
}
