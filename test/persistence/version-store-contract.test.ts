import { levelDbStoreUnderTest, memoryStoreUnderTest } from './helpers/stores-under-test.js';
import { describeVersionStoreContract } from './version-store-contract.js';

describeVersionStoreContract('MemoryStore', memoryStoreUnderTest);
describeVersionStoreContract('LevelDbStore', () => levelDbStoreUnderTest('versions'));
