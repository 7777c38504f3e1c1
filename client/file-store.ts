/**
 * The Node-only file offline store (it imports node:fs, hence its own entry).
 *
 * @module y-quire/client/file-store
 */
export { FileOfflineStore, type FileOfflineStoreOptions } from './offline/file-store.js';
