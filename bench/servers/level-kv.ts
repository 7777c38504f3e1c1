/** A minimal promise wrapper over leveldown for the peers that need a plain key-value store. */
import { createRequire } from 'node:module';
import type { LevelDown } from 'leveldown';

// leveldown is CommonJS whose typings declare a default export it does not have under NodeNext.
const leveldown = createRequire(import.meta.url)('leveldown') as (location: string) => LevelDown;

export interface LevelKv {
  get(key: string): Promise<Uint8Array | null>;
  put(key: string, value: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

export async function openLevel(dir: string): Promise<LevelKv> {
  const db = leveldown(dir);
  await new Promise<void>((resolve, reject) => db.open((err: Error | undefined) => (err ? reject(err) : resolve())));
  return {
    get: (key) =>
      new Promise((resolve, reject) =>
        db.get(key, { asBuffer: true }, (err: Error | undefined, value: unknown) => {
          if (err) {
            // leveldown reports a missing key as an error whose message starts with NotFound.
            if (/notfound/i.test(err.message)) resolve(null);
            else reject(err);
          } else resolve(new Uint8Array(value as Buffer));
        }),
      ),
    put: (key, value) =>
      new Promise((resolve, reject) => db.put(key, Buffer.from(value), (err: Error | undefined) => (err ? reject(err) : resolve()))),
    close: () => new Promise((resolve, reject) => db.close((err: Error | undefined) => (err ? reject(err) : resolve()))),
  };
}
