/**
 * Socket.io hands binary attachments to browsers as ArrayBuffer (engine.io's binaryType) and to
 * Node as Buffer. lib0's decoders need a Uint8Array, so everything binary the server sends is
 * normalized here before it is decoded.
 */
export function toBytes(value: ArrayBuffer | ArrayBufferView): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  return new Uint8Array(value);
}
