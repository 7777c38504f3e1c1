/**
 * CRC-32 (IEEE 802.3, the zlib/PNG polynomial), to tell a whole record from one torn by a crash
 * or damaged on disk. One implementation for both sides: the client's offline log and the
 * server's LevelDB records. Plain table-driven JavaScript, so it runs in browsers too.
 */

/** A table-driven, reflected CRC-32 over `polynomial` (reversed form); the table is built on first use. */
export function reflectedCrc32(polynomial: number): (bytes: Uint8Array) => number {
  let table: Uint32Array | undefined;
  return (bytes) => {
    table ??= makeTable(polynomial);
    let crc = 0xffffffff;
    for (let i = 0; i < bytes.length; i++) crc = table[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
    return (crc ^ 0xffffffff) >>> 0;
  };
}

export const crc32 = reflectedCrc32(0xedb88320);

function makeTable(polynomial: number): Uint32Array {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? polynomial ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}
