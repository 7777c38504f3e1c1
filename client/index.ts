export { QuireProvider } from './provider.js';
export type {
  ConnectionStatus,
  PendingStatus,
  QuireProviderEvents,
  QuireProviderOptions,
  TokenSource,
  UpdateRefusal,
} from './provider-types.js';
export { ProviderVersions, VersionRequestError, type ProviderVersionsEvents } from './versions.js';
export type { VersionCreatedEvent, VersionInfo, VersionKind, VersionRestoredEvent } from '../shared/versions.js';
export { ErrorCodes, type ErrorCode, type ErrorInfo } from '../shared/errors.js';
export * from './offline/index.js';
