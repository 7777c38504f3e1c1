/**
 * Socket.io hands binary attachments to browsers as ArrayBuffer (to Node as Buffer); lib0's
 * decoders read Uint8Array only, so every binary payload from the server goes through here.
 */
export function asBytes(payload: Uint8Array | ArrayBuffer): Uint8Array {
  return payload instanceof Uint8Array ? payload : new Uint8Array(payload);
}
