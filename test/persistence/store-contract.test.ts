import { levelDbStoreUnderTest, memoryStoreUnderTest } from './helpers/stores-under-test.js';
import { describeStoreContract } from './store-contract.js';

describeStoreContract('MemoryStore', memoryStoreUnderTest);
describeStoreContract('LevelDbStore', () => levelDbStoreUnderTest('contract'));
