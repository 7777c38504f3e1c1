/** Node-only entry (`quire/client/file-store`): the file offline store imports node:fs. */
export { FileOfflineStore, type FileOfflineStoreOptions } from './offline/file-store.js';
