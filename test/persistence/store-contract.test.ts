import { levelDbStoreUnderTest, memoryStoreUnderTest } from '../helpers/persistence/stores-under-test.js';
import { describeStoreContract } from '../helpers/persistence/store-contract.js';

describeStoreContract('MemoryStore', memoryStoreUnderTest);
describeStoreContract('LevelDbStore', () => levelDbStoreUnderTest('contract'));
