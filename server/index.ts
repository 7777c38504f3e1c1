export { createServer } from './create-server.js';
export type { ListenAddress, QuireServer } from './create-server.js';
export type { DocumentHandle } from './document-handle.js';
export type { QuireServerOptions } from './options.js';
export { serverDefaults } from './options.js';
export { MemoryStore } from './persistence/memory-store.js';
export type { DocumentStore, StoredDocumentInfo } from './persistence/types.js';
export type { Access, UpdateOrigin } from './core/origins.js';
export type { Authenticate, Authorize, HandshakeInfo } from './transport/hooks.js';
