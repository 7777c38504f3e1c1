/**
 * The server: `createServer`, stores (LevelDB, memory), JWT authentication, hooks and observer types.
 *
 * @module y-quire/server
 */
export { createServer } from './create-server.js';
export type { ListenAddress, QuireServer } from './create-server.js';
export type { DocumentHandle } from './document-handle.js';
export type { QuireServerOptions } from './options.js';
export { serverDefaults } from './options.js';
export { MemoryStore } from './persistence/memory-store.js';
export type { DocumentStore, StoredDocumentInfo } from './persistence/types.js';
export type { Access, UpdateOrigin } from './core/origins.js';
export type { ErrorEvent, ErrorOperation, MessageKind, ServerObserver } from './core/observer.js';
export type { RequestHandler } from './http/static-files.js';
export type { Authenticate, Authorize, HandshakeInfo } from './transport/hooks.js';
export { jwtAuth } from './auth/jwt.js';
export type { JwtAuth, JwtAuthOptions, JwtPrincipal } from './auth/jwt.js';
export { signJwt } from './auth/jwt-sign.js';
export type { SignKeys } from './auth/jwt-sign.js';
export type { DocGrant } from './auth/doc-grants.js';
export { LevelDbStore, StoreLockedError, CorruptDocumentError } from './persistence/leveldb-store.js';
export type { LevelDbStoreOptions } from './persistence/leveldb-store.js';
export type { RestoreOptions, RestoreResult, ServerVersions } from './versions/service.js';
export type { RetentionOptions, VersionAction, VersionOptions } from './versions/options.js';
export { versionDefaults } from './versions/options.js';
export type { VersionRecord, VersionRecordStore, VersionChange } from './versions/types.js';
export type { VersionCreatedEvent, VersionInfo, VersionKind, VersionRestoredEvent } from '../shared/versions.js';
