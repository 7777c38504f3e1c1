/**
 * Keys of version records, in a range of their own beside the documents':
 *
 *   ver/<n><name>/m<id>    a version's metadata (see versions-records.ts)
 *   ver/<n><name>/p<id>    its payload: a keyframe or a delta
 *
 * <n><name> is the document name as in keys.ts (length byte, UTF-8), <id> 8 bytes big-endian.
 * A range apart from `doc/` because compaction and the document reader own every key under a
 * document's `doc/` prefix (an unknown key there reads as corruption), and because listing
 * documents seeks through `doc/` one document at a time.
 */
import { encodeName } from './keys.js';

const VER = Buffer.from('ver/', 'latin1');
const SLASH = 0x2f;
const AFTER_SLASH = 0x30;
const META = 0x6d; // 'm'
const PAYLOAD = 0x70; // 'p'
const ID_BYTES = 8;

export class VersionKeys {
  private readonly prefix: Buffer;

  constructor(readonly name: string) {
    const bytes = encodeName(name);
    this.prefix = Buffer.concat([VER, Buffer.from([bytes.length]), bytes, Buffer.from([SLASH])]);
  }

  meta(id: number): Buffer {
    return this.key(META, id);
  }

  payload(id: number): Buffer {
    return this.key(PAYLOAD, id);
  }

  /** Every metadata record of the document, in id order. */
  get metas(): { gte: Buffer; lt: Buffer } {
    return { gte: Buffer.concat([this.prefix, Buffer.from([META])]), lt: Buffer.concat([this.prefix, Buffer.from([META + 1])]) };
  }

  /** Every version record of the document. */
  get all(): { gte: Buffer; lt: Buffer } {
    const end = Buffer.from(this.prefix);
    end[end.length - 1] = AFTER_SLASH;
    return { gte: this.prefix, lt: end };
  }

  /** The id of a metadata or payload key: its last 8 bytes. */
  static idOf(key: Buffer): number {
    return key.readUInt32BE(key.length - 8) * 2 ** 32 + key.readUInt32BE(key.length - 4);
  }

  private key(kind: number, id: number): Buffer {
    if (!Number.isSafeInteger(id) || id < 1) throw new RangeError(`invalid version id ${id}`);
    const key = Buffer.allocUnsafe(this.prefix.length + 1 + ID_BYTES);
    this.prefix.copy(key, 0);
    key[this.prefix.length] = kind;
    key.writeUInt32BE(Math.floor(id / 2 ** 32), this.prefix.length + 1);
    key.writeUInt32BE(id >>> 0, this.prefix.length + 5);
    return key;
  }
}
