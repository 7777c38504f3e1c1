/**
 * The protocol both sides speak: event maps, sync frames, error codes, document-name rules.
 *
 * @module y-quire/shared
 */
export * from './ack.js';
export * from './doc-name.js';
export * from './errors.js';
export * from './events.js';
export * from './protocol/sync.js';
export * from './protocol/version.js';
export * from './handshake-params.js';
export * from './protocol/parts.js';
export * from './versions.js';
