import { createRequire } from 'node:module';
import type { LevelDown } from 'leveldown';

// See server/persistence/leveldb/db.ts for why leveldown is loaded with require.
const leveldown = createRequire(import.meta.url)('leveldown') as (location: string) => LevelDown;

/**
 * Direct leveldown access for tests that inspect or damage what the store wrote. Only use it on a
 * directory no store holds open (LevelDB's locks are per process: see db.ts).
 */
export class RawLevelDb {
  private constructor(private readonly db: LevelDown) {}

  static async open(path: string): Promise<RawLevelDb> {
    const db = leveldown(path);
    await new Promise<void>((resolve, reject) => db.open({ createIfMissing: false }, (err) => (err ? reject(err) : resolve())));
    return new RawLevelDb(db);
  }

  put(key: Buffer, value: Buffer): Promise<void> {
    return new Promise((resolve, reject) => this.db.put(key, value, (err) => (err ? reject(err) : resolve())));
  }

  del(key: Buffer): Promise<void> {
    return new Promise((resolve, reject) => this.db.del(key, (err) => (err ? reject(err) : resolve())));
  }

  async get(key: Buffer): Promise<Buffer | undefined> {
    return new Promise((resolve, reject) =>
      this.db.get(key, { asBuffer: true }, (err, value) => {
        if (err && /NotFound/i.test(err.message)) resolve(undefined);
        else if (err) reject(err);
        else resolve(value as Buffer);
      }),
    );
  }

  /** Every key in the database, in order. */
  async keys(): Promise<Buffer[]> {
    const it = this.db.iterator({ keys: true, values: false, keyAsBuffer: true });
    const keys: Buffer[] = [];
    for (;;) {
      const key = await new Promise<Buffer | undefined>((resolve, reject) =>
        it.next((err, k) => (err ? reject(err) : resolve(k as Buffer | undefined))),
      );
      if (key === undefined) break;
      keys.push(key);
    }
    await new Promise<void>((resolve) => it.end(() => resolve()));
    return keys;
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => this.db.close((err) => (err ? reject(err) : resolve())));
  }
}
