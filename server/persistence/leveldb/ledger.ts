import { closeSync, fsyncSync, openSync, readFileSync, statSync } from 'node:fs';
import { type FileHandle, open as openFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import createDebug from 'debug';
import { crc32 } from '../../../shared/crc32.js';

const log = createDebug('quire:store:leveldb:ledger');

/**
 * The acknowledgement ledger: for every stored document, the seq its next update gets — a lower
 * bound of what was acknowledged — kept in a file of its own next to LevelDB's (`QUIRE-LEDGER`).
 *
 * Why outside LevelDB: when LevelDB recovers a damaged write-ahead log it skips the damaged
 * records silently, and a document whose every record was in them simply is not there any more:
 * nothing inside LevelDB remembers it existed. The ledger does, so the store can tell "never
 * written" from "lost", and refuse to serve a lost document as an empty one.
 *
 * It is written after each batch that appended (before the acknowledgements go out) and before
 * each batch that deletes, so it never claims more than LevelDB holds after a clean write: a crash
 * between the two leaves the ledger behind, never ahead. It needs no fsync of its own for that;
 * after a power loss with `sync: false` it may be ahead, which reports exactly the loss there was.
 *
 * Format: records `<u32 length><u32 crc32 of body><body>`, body `<u8 kind><u8 name length><name>
 * [<f64 nextSeq>]` (kind 1: state, 2: deleted). The last record of a name wins. Reading stops at the
 * first record that does not check out (a torn write at the end); the prefix stays a valid lower
 * bound. The file is rewritten compactly (temp file, fsync, rename) when it grows, and after every
 * recovery of the store.
 */
export const LEDGER_FILE = 'QUIRE-LEDGER';
const STATE = 1;
const DELETED = 2;
const HEADER = 8;
/** Rewrite once the file is this much larger than a compact copy would be. */
const REWRITE_FACTOR = 4;
const REWRITE_MIN_BYTES = 1024 * 1024;

export interface LedgerReadReport {
  /** Bytes at the end of the file that did not form a valid record (a torn or damaged write). */
  unreadableBytes: number;
  existed: boolean;
}

export class Ledger {
  private file: FileHandle | null = null;
  private bytes = 0;

  private constructor(
    private readonly path: string,
    /** name → next seq (every seq below it was acknowledged). */
    private readonly expected: Map<string, number>,
    /** How the file read at open looked; reset by a rewrite. */
    public report: LedgerReadReport,
  ) {}

  /** Reads the ledger of `directory` (an empty one when there is none yet). */
  static read(directory: string): Ledger {
    const path = join(directory, LEDGER_FILE);
    let data: Buffer;
    try {
      data = readFileSync(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      return new Ledger(path, new Map(), { unreadableBytes: 0, existed: false });
    }
    const expected = new Map<string, number>();
    let offset = 0;
    while (offset + HEADER <= data.length) {
      const length = data.readUInt32BE(offset);
      const end = offset + HEADER + length;
      if (length < 2 || end > data.length) break;
      const body = data.subarray(offset + HEADER, end);
      if (crc32(body) !== data.readUInt32BE(offset + 4)) break;
      const kind = body[0]!;
      const nameEnd = 2 + body[1]!;
      const name = body.toString('utf8', 2, nameEnd);
      if (kind === STATE && body.length === nameEnd + 8) expected.set(name, body.readDoubleBE(nameEnd));
      else if (kind === DELETED && body.length === nameEnd) expected.delete(name);
      else break;
      offset = end;
    }
    const unreadableBytes = data.length - offset;
    if (unreadableBytes > 0) log('%s: %d bytes at offset %d are not valid records', path, unreadableBytes, offset);
    const ledger = new Ledger(path, expected, { unreadableBytes, existed: true });
    ledger.bytes = offset;
    return ledger;
  }

  /** The seq the document's next update gets by the ledger; undefined when it claims nothing. */
  expectedNextSeq(name: string): number | undefined {
    return this.expected.get(name);
  }

  entries(): IterableIterator<[string, number]> {
    return this.expected.entries();
  }

  get size(): number {
    return this.expected.size;
  }

  /** Records documents' new next seqs (after their batch is written, before it is acknowledged). */
  async recordStates(states: ReadonlyArray<readonly [string, number]>): Promise<void> {
    if (states.length === 0) return;
    await this.append(states.map(([name, nextSeq]) => stateRecord(name, nextSeq)));
    for (const [name, nextSeq] of states) this.expected.set(name, nextSeq);
  }

  /** Records deletions (before their batch is written: the ledger may claim less, never more). */
  async recordDeleted(names: readonly string[]): Promise<void> {
    if (names.length === 0) return;
    await this.append(names.map(deletedRecord));
    for (const name of names) this.expected.delete(name);
  }

  /** Raises expectations to what is known to be stored (never lowers one). */
  raise(name: string, nextSeq: number): void {
    if ((this.expected.get(name) ?? -1) < nextSeq) this.expected.set(name, nextSeq);
  }

  /** Forgets a document (after an explicit repair accepted its loss); written by the next rewrite. */
  forget(name: string): void {
    this.expected.delete(name);
  }

  /** Whether the file has grown enough to be worth a compact rewrite. */
  wantsRewrite(): boolean {
    return this.bytes > Math.max(REWRITE_MIN_BYTES, REWRITE_FACTOR * this.compactBytes());
  }

  /**
   * Writes the current expectations to a new file that atomically replaces the old one: after a
   * failed append (its tail may be torn), after recovery, and when it has grown.
   */
  async rewrite(): Promise<void> {
    await this.closeFile();
    const records = [...this.expected].map(([name, nextSeq]) => stateRecord(name, nextSeq));
    const data = Buffer.concat(records);
    const temp = `${this.path}.tmp`;
    const file = await openFile(temp, 'w');
    try {
      await writeAll(file, data);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, this.path);
    syncDirectory(this.path);
    this.bytes = data.length;
    this.report = { unreadableBytes: 0, existed: true };
    log('rewrote %s: %d documents, %d bytes', this.path, this.expected.size, data.length);
  }

  async close(): Promise<void> {
    await this.closeFile();
  }

  /** Appends without blocking the event loop (a write into a busy page cache can stall). */
  private async append(records: Buffer[]): Promise<void> {
    this.file ??= await openFile(this.path, 'a');
    const data = Buffer.concat(records);
    await writeAll(this.file, data);
    this.bytes += data.length;
  }

  private async closeFile(): Promise<void> {
    if (this.file === null) return;
    const file = this.file;
    this.file = null;
    try {
      await file.close();
    } catch {
      // Closing a descriptor whose file vanished can fail; nothing is left to release.
    }
  }

  private compactBytes(): number {
    let total = 0;
    for (const name of this.expected.keys()) total += HEADER + 2 + Buffer.byteLength(name) + 8;
    return total;
  }
}

function stateRecord(name: string, nextSeq: number): Buffer {
  const nameBytes = Buffer.from(name, 'utf8');
  const body = Buffer.allocUnsafe(2 + nameBytes.length + 8);
  body[0] = STATE;
  body[1] = nameBytes.length;
  nameBytes.copy(body, 2);
  body.writeDoubleBE(nextSeq, 2 + nameBytes.length);
  return withHeader(body);
}

function deletedRecord(name: string): Buffer {
  const nameBytes = Buffer.from(name, 'utf8');
  const body = Buffer.allocUnsafe(2 + nameBytes.length);
  body[0] = DELETED;
  body[1] = nameBytes.length;
  nameBytes.copy(body, 2);
  return withHeader(body);
}

function withHeader(body: Buffer): Buffer {
  const record = Buffer.allocUnsafe(HEADER + body.length);
  record.writeUInt32BE(body.length, 0);
  record.writeUInt32BE(crc32(body), 4);
  body.copy(record, HEADER);
  return record;
}

async function writeAll(file: FileHandle, data: Buffer): Promise<void> {
  let offset = 0;
  while (offset < data.length) offset += (await file.write(data, offset, data.length - offset)).bytesWritten;
}

/** Makes a rename durable (the directory entry), where the platform allows opening a directory. */
function syncDirectory(file: string): void {
  const dir = join(file, '..');
  let fd: number;
  try {
    fd = openSync(dir, 'r');
  } catch {
    return;
  }
  try {
    fsyncSync(fd);
  } catch {
    // Some filesystems refuse fsync on a directory; the rename itself is still atomic.
  } finally {
    closeSync(fd);
  }
}

/** Whether `directory` holds a ledger file. */
export function hasLedger(directory: string): boolean {
  try {
    return statSync(join(directory, LEDGER_FILE)).isFile();
  } catch {
    return false;
  }
}
