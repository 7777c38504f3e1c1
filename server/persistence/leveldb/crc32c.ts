/** LevelDB's checksums: CRC-32C, stored masked (table blocks, log and MANIFEST records). */
import { reflectedCrc32 } from '../../../shared/crc32.js';

/** CRC-32C (Castagnoli), as LevelDB computes it. */
export const crc32c = reflectedCrc32(0x82f63b78);

/** LevelDB stores checksums masked (so a checksum of data holding checksums stays useful). */
export function unmask(masked: number): number {
  const rot = (masked - 0xa282ead8) >>> 0;
  return ((rot >>> 17) | (rot << 15)) >>> 0;
}
