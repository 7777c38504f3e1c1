import { describe } from 'vitest';
import { PostgresStore } from '../../server/persistence/postgres-store.js';
import type { DocumentStore } from '../../server/persistence/types.js';
import { dropSchema, postgresReachable, postgresUrlFor, uniqueSchema } from '../helpers/cluster/services.js';
import { describeStoreContract } from '../helpers/persistence/store-contract.js';

describe.skipIf(!postgresReachable)('on PostgreSQL', () => {
  describeStoreContract('PostgresStore', async () => {
    const schema = uniqueSchema('contract');
    const url = postgresUrlFor(schema);
    let current: DocumentStore = await PostgresStore.open({ url });
    return {
      store: current,
      reopen: async () => {
        await current.close();
        current = await PostgresStore.open({ url });
        return current;
      },
      cleanup: async () => {
        await current.close();
        await dropSchema(schema);
      },
    };
  });
});
