export * from './ack.js';
export * from './doc-name.js';
export * from './errors.js';
export * from './events.js';
export * from './protocol/sync.js';
export * from './protocol/version.js';
export * from './protocol/parts.js';
export * from './versions.js';
