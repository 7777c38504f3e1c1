import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32c, unmask } from './crc32c.js';
import { liveTableNumbers } from './manifest.js';

/**
 * Checks LevelDB's table files (.ldb/.sst) block by block against the checksums LevelDB stored
 * with every block, before LevelDB reads them.
 *
 * Why: leveldown never asks LevelDB to verify checksums on reads, and it is built with
 * assertions on, so a table whose bytes were flipped can do worse than fail a read — a damaged
 * uncompressed block is parsed as it is, and a key that comes out malformed or out of order
 * aborts the whole process (`Assertion 'internal_key.size() >= 8' failed`), during a read or
 * during LevelDB's own background compaction. A store must not open on such a table; the repair
 * moves it aside instead.
 *
 * Table format (LevelDB's table_format.md): blocks, each followed by a 5-byte trailer
 * `<type u8: 0 raw, 1 snappy><masked crc32c of contents + type, u32 LE>`; a 48-byte footer
 * `<metaindex handle><index handle><padding><magic u64 LE>`; handles are two varint64s (offset,
 * size). The index block's values are the handles of the data blocks.
 */

const FOOTER_BYTES = 48;
const TRAILER_BYTES = 5;
const MAGIC_LOW = 0x8b80fb57;
const MAGIC_HIGH = 0xdb477524;

export interface TableDamage {
  file: string;
  problem: string;
}

/**
 * Every table file of `directory` whose blocks do not all check out, among those the MANIFEST
 * lists (all of them when it cannot be read): a table a crash left half-written before LevelDB
 * listed it is never read, and LevelDB deletes it at open (manifest.ts).
 */
export async function findDamagedTables(directory: string): Promise<TableDamage[]> {
  const damaged: TableDamage[] = [];
  const live = await liveTableNumbers(directory);
  const tables = (await readdir(directory)).filter(
    (f) => /^\d+\.(ldb|sst)$/.test(f) && (live === null || live.has(Number.parseInt(f, 10))),
  );
  for (const file of tables.sort()) {
    const problem = tableProblem(await readFile(join(directory, file)));
    if (problem !== null) damaged.push({ file, problem });
  }
  return damaged;
}

/** Why the table's bytes are not what LevelDB wrote, or null when every block checks out. */
export function tableProblem(data: Buffer): string | null {
  try {
    if (data.length < FOOTER_BYTES) return `only ${data.length} bytes`;
    const footer = data.subarray(data.length - FOOTER_BYTES);
    if (footer.readUInt32LE(40) !== MAGIC_LOW || footer.readUInt32LE(44) !== MAGIC_HIGH) return 'bad magic number in the footer';
    const reader = { data: footer, pos: 0 };
    const metaindex = readHandle(reader);
    const index = readHandle(reader);
    const metaProblem = blockProblem(data, metaindex, 'metaindex block');
    if (metaProblem !== null) return metaProblem;
    const indexBlock = readBlock(data, index, 'index block');
    if (typeof indexBlock === 'string') return indexBlock;
    let blocks = 0;
    for (const value of blockValues(indexBlock)) {
      const handle = readHandle({ data: value, pos: 0 });
      const problem = blockProblem(data, handle, `data block at ${handle.offset}`);
      if (problem !== null) return problem;
      blocks++;
    }
    // The filter block (named in the metaindex) is only an optimisation: its damage would make
    // LevelDB skip keys that exist, so it is checked too.
    const meta = readBlock(data, metaindex, 'metaindex block');
    if (typeof meta === 'string') return meta;
    for (const value of blockValues(meta)) {
      const handle = readHandle({ data: value, pos: 0 });
      const problem = blockProblem(data, handle, 'filter block');
      if (problem !== null) return problem;
    }
    return blocks === 0 ? 'no data blocks' : null;
  } catch (err) {
    return `unreadable structure (${(err as Error).message})`;
  }
}

interface Handle {
  offset: number;
  size: number;
}

function readHandle(reader: { data: Buffer; pos: number }): Handle {
  return { offset: readVarint(reader), size: readVarint(reader) };
}

function readVarint(reader: { data: Buffer; pos: number }): number {
  let result = 0;
  for (let shift = 0; shift < 64; shift += 7) {
    if (reader.pos >= reader.data.length) throw new Error('truncated varint');
    const byte = reader.data[reader.pos++]!;
    result += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return result;
  }
  throw new Error('varint too long');
}

function blockProblem(data: Buffer, handle: Handle, what: string): string | null {
  if (handle.offset + handle.size + TRAILER_BYTES > data.length) {
    return `${what} lies beyond the end of the file`;
  }
  const contents = data.subarray(handle.offset, handle.offset + handle.size + 1); // with the type byte
  const stored = data.readUInt32LE(handle.offset + handle.size + 1);
  if (unmask(stored) !== crc32c(contents)) return `${what} fails its checksum`;
  return null;
}

function readBlock(data: Buffer, handle: Handle, what: string): Buffer | string {
  const problem = blockProblem(data, handle, what);
  if (problem !== null) return problem;
  const raw = data.subarray(handle.offset, handle.offset + handle.size);
  const type = data[handle.offset + handle.size];
  if (type === 0) return raw;
  if (type === 1) return snappyDecompress(raw);
  return `${what} has unknown compression ${type}`;
}

/** The values of a block's entries (keys are not needed here). */
function* blockValues(block: Buffer): Generator<Buffer> {
  const restarts = block.readUInt32LE(block.length - 4);
  const end = block.length - 4 * (restarts + 1);
  if (end < 0) throw new Error('bad restart count');
  const reader = { data: block, pos: 0 };
  while (reader.pos < end) {
    readVarint(reader); // shared key bytes
    const unshared = readVarint(reader);
    const valueLength = readVarint(reader);
    reader.pos += unshared;
    if (reader.pos + valueLength > end) throw new Error('entry beyond its block');
    yield block.subarray(reader.pos, reader.pos + valueLength);
    reader.pos += valueLength;
  }
}

/** Snappy's raw format: a varint length, then literals and back-references. */
export function snappyDecompress(input: Buffer): Buffer {
  const reader = { data: input, pos: 0 };
  const length = readVarint(reader);
  if (length > 64 * 1024 * 1024) throw new Error('snappy block too large');
  const out = Buffer.allocUnsafe(length);
  let o = 0;
  while (reader.pos < input.length) {
    const tag = input[reader.pos++]!;
    let len: number;
    let offset: number;
    switch (tag & 3) {
      case 0: {
        len = (tag >>> 2) + 1;
        if (len > 60) {
          const bytes = len - 60;
          len = 0;
          for (let i = 0; i < bytes; i++) len |= input[reader.pos++]! << (8 * i);
          len += 1;
        }
        if (reader.pos + len > input.length || o + len > length) throw new Error('snappy literal out of range');
        input.copy(out, o, reader.pos, reader.pos + len);
        reader.pos += len;
        o += len;
        continue;
      }
      case 1:
        len = ((tag >>> 2) & 7) + 4;
        offset = ((tag >>> 5) << 8) | input[reader.pos++]!;
        break;
      case 2:
        len = (tag >>> 2) + 1;
        offset = input.readUInt16LE(reader.pos);
        reader.pos += 2;
        break;
      default:
        len = (tag >>> 2) + 1;
        offset = input.readUInt32LE(reader.pos);
        reader.pos += 4;
    }
    if (offset === 0 || offset > o || o + len > length) throw new Error('snappy copy out of range');
    for (let i = 0; i < len; i++, o++) out[o] = out[o - offset]!;
  }
  if (o !== length) throw new Error('snappy length mismatch');
  return out;
}
