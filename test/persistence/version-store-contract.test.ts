import { levelDbStoreUnderTest, memoryStoreUnderTest } from '../helpers/persistence/stores-under-test.js';
import { describeVersionStoreContract } from '../helpers/persistence/version-store-contract.js';

describeVersionStoreContract('MemoryStore', memoryStoreUnderTest);
describeVersionStoreContract('LevelDbStore', () => levelDbStoreUnderTest('versions'));
