/**
 * Key layout of the LevelDB store. Every key is a Buffer:
 *
 *   doc/<n><name>/m          meta: next seq, tail count and bytes, snapshot bytes, updatedAt
 *   doc/<n><name>/s          the compacted snapshot (one Yjs update)
 *   doc/<n><name>/u/<seq>    one appended update; <seq> is 8 bytes, big-endian unsigned
 *
 * <n> is a single byte holding the UTF-8 byte length of <name> (names are 0–255 bytes).
 *
 * Why a length prefix rather than a separator: names may contain '/' and, being arbitrary
 * strings, any byte a separator could use (escaping would make keys harder to read and to range
 * over). With the length up front the end of the name is known without looking at its bytes, so
 * for two different names neither `doc/<n><name>/` is a prefix of the other: every document owns
 * the disjoint range [`doc/<n><name>/`, `doc/<n><name>0`) ('0' is the byte after '/').
 *
 * Order inside a document: 'm' < 's' < 'u', so one forward scan over that range reads meta,
 * snapshot, then the tail in seq order, from one consistent LevelDB view.
 * Across documents keys sort by name length, then by name bytes.
 */

export const MAX_NAME_BYTES = 255;
export const SEQ_BYTES = 8;
/** Seqs are JavaScript numbers; 2^53 appends per document is beyond any real lifetime. */
export const MAX_SEQ = Number.MAX_SAFE_INTEGER;

const DOC = Buffer.from('doc/', 'latin1');
const SLASH = 0x2f;
const AFTER_SLASH = 0x30; // '0'
const META = 0x6d; // 'm'
const SNAPSHOT = 0x73; // 's'
const UPDATE = 0x75; // 'u'

export class InvalidDocumentNameError extends TypeError {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidDocumentNameError';
  }
}

/** The UTF-8 bytes of a name; throws when the name cannot be stored without ambiguity. */
export function encodeName(name: string): Buffer {
  if (typeof name !== 'string') throw new InvalidDocumentNameError('Document name must be a string.');
  // A lone surrogate would be encoded as U+FFFD, so two different names would share keys.
  if (!name.isWellFormed()) {
    throw new InvalidDocumentNameError('Document name must be well-formed Unicode.');
  }
  const bytes = Buffer.from(name, 'utf8');
  if (bytes.length > MAX_NAME_BYTES) {
    throw new InvalidDocumentNameError(`Document name must be at most ${MAX_NAME_BYTES} bytes of UTF-8 (got ${bytes.length}).`);
  }
  return bytes;
}

/** The keys of one document, computed once per operation. */
export class DocKeys {
  /** `doc/<n><name>/` */
  private readonly prefix: Buffer;

  constructor(readonly name: string) {
    const bytes = encodeName(name);
    this.prefix = Buffer.concat([DOC, Buffer.from([bytes.length]), bytes, Buffer.from([SLASH])]);
  }

  get meta(): Buffer {
    return this.withSuffix([META]);
  }

  get snapshot(): Buffer {
    return this.withSuffix([SNAPSHOT]);
  }

  update(seq: number): Buffer {
    if (!Number.isSafeInteger(seq) || seq < 0) throw new RangeError(`invalid seq ${seq}`);
    const key = Buffer.allocUnsafe(this.prefix.length + 2 + SEQ_BYTES);
    this.prefix.copy(key, 0);
    let offset = this.prefix.length;
    key[offset++] = UPDATE;
    key[offset++] = SLASH;
    key.writeUInt32BE(Math.floor(seq / 2 ** 32), offset);
    key.writeUInt32BE(seq >>> 0, offset + 4);
    return key;
  }

  /** Range bounds of every record of this document. */
  get all(): { gte: Buffer; lt: Buffer } {
    return { gte: this.prefix, lt: this.prefixEnd() };
  }

  /** Range bounds of meta and snapshot (everything before the tail). */
  get head(): { gte: Buffer; lt: Buffer } {
    return { gte: this.prefix, lt: this.withSuffix([UPDATE]) };
  }

  /** Range bounds of the tail updates with seqs in [from, to). */
  updates(from: number, to: number): { gte: Buffer; lt: Buffer } {
    return { gte: this.update(from), lt: this.update(to) };
  }

  /** Range bounds of the tail (the appended updates). */
  get tail(): { gte: Buffer; lt: Buffer } {
    return { gte: this.withSuffix([UPDATE, SLASH]), lt: this.withSuffix([UPDATE, AFTER_SLASH]) };
  }

  private prefixEnd(): Buffer {
    const end = Buffer.from(this.prefix);
    end[end.length - 1] = AFTER_SLASH;
    return end;
  }

  private withSuffix(suffix: number[]): Buffer {
    return Buffer.concat([this.prefix, Buffer.from(suffix)]);
  }
}

/** Range bounds of every document record in the database. */
export const ALL_DOCUMENTS = { gte: DOC, lt: Buffer.from('doc0', 'latin1') } as const;

export type ParsedKey = { name: string; kind: 'meta' } | { name: string; kind: 'snapshot' } | { name: string; kind: 'update'; seq: number };

/** The seq of an update key (its last 8 bytes), without decoding the rest of the key. */
export function seqOfUpdateKey(key: Buffer): number {
  return key.readUInt32BE(key.length - 8) * 2 ** 32 + key.readUInt32BE(key.length - 4);
}

/** Decodes a document key; null for anything that is not one (unknown keys are left alone). */
export function parseKey(key: Uint8Array): ParsedKey | null {
  const buf = Buffer.from(key.buffer, key.byteOffset, key.byteLength);
  if (buf.length < DOC.length + 3 || !buf.subarray(0, DOC.length).equals(DOC)) return null;
  const nameLength = buf[DOC.length]!;
  const nameStart = DOC.length + 1;
  const nameEnd = nameStart + nameLength;
  if (buf.length < nameEnd + 2 || buf[nameEnd] !== SLASH) return null;
  const name = buf.toString('utf8', nameStart, nameEnd);
  const kind = buf[nameEnd + 1];
  const rest = buf.length - (nameEnd + 2);
  if (kind === META && rest === 0) return { name, kind: 'meta' };
  if (kind === SNAPSHOT && rest === 0) return { name, kind: 'snapshot' };
  if (kind === UPDATE && rest === 1 + SEQ_BYTES && buf[nameEnd + 2] === SLASH) {
    const seq = buf.readUInt32BE(nameEnd + 3) * 2 ** 32 + buf.readUInt32BE(nameEnd + 7);
    return { name, kind: 'update', seq };
  }
  return null;
}

/**
 * The end of the key range of the document owning `key` (a document key: see parseKey), from
 * its raw bytes — a scan can seek there to skip the rest of that document.
 */
export function rangeEndOfKey(key: Buffer): Buffer {
  const end = Buffer.from(key.subarray(0, DOC.length + 1 + key[DOC.length]! + 1));
  end[end.length - 1] = AFTER_SLASH;
  return end;
}
