import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32c, unmask } from './crc32c.js';

/**
 * The table files LevelDB's current MANIFEST lists as live, read without opening the database.
 *
 * Why: LevelDB writes a table (a memtable flush, a compaction's output) before it records it in
 * the MANIFEST. A crash in between leaves a half-written table the database does not list; LevelDB
 * never reads it and deletes it as obsolete when it opens. Only listed tables can hurt a read.
 *
 * Format (LevelDB's log_format.md and version_edit.cc): CURRENT names the MANIFEST, a log of
 * 32 KiB blocks holding records `<masked crc32c of type+payload u32 LE><length u16 LE><type u8>
 * <payload>` (type 1 full, 2 first, 3 middle, 4 last fragment); each record is a version edit,
 * a sequence of `<tag varint32>` fields: 6 deleted file `<level><number>`, 7 new file `<level>
 * <number><size><smallest key><largest key>`; the others (1 comparator, 2 log number, 3 next file
 * number, 4 last sequence, 5 compact pointer, 9 previous log number) only need skipping.
 *
 * Resolves null when CURRENT or the MANIFEST cannot be read or parsed: then nothing is known.
 */
export async function liveTableNumbers(directory: string): Promise<Set<number> | null> {
  try {
    const current = await readFile(join(directory, 'CURRENT'), 'utf8');
    const manifest = /^(MANIFEST-\d+)\n$/.exec(current)?.[1];
    if (manifest === undefined) return null;
    const live = new Set<number>();
    for (const edit of logRecords(await readFile(join(directory, manifest)))) applyEdit(edit, live);
    return live;
  } catch {
    return null;
  }
}

const BLOCK_BYTES = 32 * 1024;
const HEADER_BYTES = 7;

function* logRecords(data: Buffer): Generator<Buffer> {
  let fragments: Buffer[] | null = null;
  let pos = 0;
  while (pos < data.length) {
    const leftInBlock = BLOCK_BYTES - (pos % BLOCK_BYTES);
    if (leftInBlock < HEADER_BYTES) {
      pos += leftInBlock; // the block's zero-filled trailer
      continue;
    }
    // A record cut short at the end is where a crash stopped appending: LevelDB reads it as the end.
    if (pos + HEADER_BYTES > data.length) return;
    const length = data.readUInt16LE(pos + 4);
    const type = data[pos + 6]!;
    const end = pos + HEADER_BYTES + length;
    if (end > data.length) return;
    if (unmask(data.readUInt32LE(pos)) !== crc32c(data.subarray(pos + 6, end))) throw new Error('MANIFEST record fails its checksum');
    const payload = data.subarray(pos + HEADER_BYTES, end);
    pos = end;
    if (type === 1) yield payload;
    else if (type === 2) fragments = [payload];
    else if (type === 3 && fragments !== null) fragments.push(payload);
    else if (type === 4 && fragments !== null) {
      yield Buffer.concat([...fragments, payload]);
      fragments = null;
    } else throw new Error(`unexpected MANIFEST record type ${type}`);
  }
}

function applyEdit(edit: Buffer, live: Set<number>): void {
  const reader = { data: edit, pos: 0 };
  while (reader.pos < edit.length) {
    const tag = readVarint(reader);
    if (tag === 1) skipSlice(reader);
    else if (tag === 2 || tag === 3 || tag === 4 || tag === 9) readVarint(reader);
    else if (tag === 5) {
      readVarint(reader);
      skipSlice(reader);
    } else if (tag === 6) {
      readVarint(reader);
      live.delete(readVarint(reader));
    } else if (tag === 7) {
      readVarint(reader);
      live.add(readVarint(reader));
      readVarint(reader);
      skipSlice(reader);
      skipSlice(reader);
    } else throw new Error(`unknown MANIFEST tag ${tag}`);
  }
}

/** A varint of up to 64 bits; file numbers stay far below 2^53, larger values only need skipping. */
function readVarint(reader: { data: Buffer; pos: number }): number {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 10; i++) {
    if (reader.pos >= reader.data.length) throw new Error('MANIFEST edit ends inside a number');
    const byte = reader.data[reader.pos++]!;
    value += (byte & 0x7f) * scale;
    if ((byte & 0x80) === 0) return value;
    scale *= 128;
  }
  throw new Error('MANIFEST number too long');
}

function skipSlice(reader: { data: Buffer; pos: number }): void {
  const length = readVarint(reader);
  if (reader.pos + length > reader.data.length) throw new Error('MANIFEST edit ends inside a key');
  reader.pos += length;
}
