import { describe } from 'vitest';
import { postgresReachable } from '../helpers/cluster/services.js';
import { postgresStoreUnderTest } from '../helpers/persistence/stores-under-test.js';
import { describeStoreContract } from '../helpers/persistence/store-contract.js';
import { describeVersionStoreContract } from '../helpers/persistence/version-store-contract.js';

describe.skipIf(!postgresReachable)('on PostgreSQL', () => {
  describeStoreContract('PostgresStore', () => postgresStoreUnderTest('contract'));
  describeVersionStoreContract('PostgresStore', () => postgresStoreUnderTest('versions'));
});
