import { describe } from 'vitest';
import { postgresReachable } from '../cluster/helpers/services.js';
import { postgresStoreUnderTest } from './helpers/stores-under-test.js';
import { describeStoreContract } from './store-contract.js';
import { describeVersionStoreContract } from './version-store-contract.js';

describe.skipIf(!postgresReachable)('on PostgreSQL', () => {
  describeStoreContract('PostgresStore', () => postgresStoreUnderTest('contract'));
  describeVersionStoreContract('PostgresStore', () => postgresStoreUnderTest('versions'));
});
