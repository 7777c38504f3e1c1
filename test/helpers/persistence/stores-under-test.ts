/**
 * Opening each DocumentStore implementation fresh for a contract suite (the store contract, the
 * version-store contract): one opener per store, shared by every suite.
 */
import { LevelDbStore } from '../../../server/persistence/leveldb-store.js';
import { MemoryStore } from '../../../server/persistence/memory-store.js';
import { PostgresStore } from '../../../server/persistence/postgres-store.js';
import type { DocumentStore } from '../../../server/persistence/types.js';
import { dropSchema, postgresUrlFor, uniqueSchema } from '../cluster/services.js';
import type { StoreUnderTest } from './store-contract.js';
import { makeTempDir } from '../temp-dir.js';

export async function memoryStoreUnderTest(): Promise<StoreUnderTest> {
  const store = new MemoryStore();
  return { store, cleanup: () => store.close() };
}

/** A store that reopens on the same data, and whose data goes with `remove`. */
async function reopenable(open: () => Promise<DocumentStore>, remove: () => Promise<void>): Promise<StoreUnderTest> {
  let current = await open();
  return {
    store: current,
    reopen: async () => {
      await current.close();
      current = await open();
      return current;
    },
    cleanup: async () => {
      await current.close();
      await remove();
    },
  };
}

export async function levelDbStoreUnderTest(label: string): Promise<StoreUnderTest> {
  const dir = await makeTempDir(label);
  return reopenable(
    () => LevelDbStore.open({ path: dir.path }),
    () => dir.remove(),
  );
}

/** On the machine's PostgreSQL, in a schema of its own (callers skip when it is unreachable). */
export async function postgresStoreUnderTest(label: string): Promise<StoreUnderTest> {
  const schema = uniqueSchema(label);
  const url = postgresUrlFor(schema);
  return reopenable(
    () => PostgresStore.open({ url }),
    () => dropSchema(schema),
  );
}
