export { QuireProvider } from './provider.js';
export type {
  ConnectionStatus,
  PendingStatus,
  QuireProviderEvents,
  QuireProviderOptions,
  TokenSource,
  UpdateRefusal,
} from './provider-types.js';
export { ErrorCodes, type ErrorCode, type ErrorInfo } from '../shared/errors.js';
export * from './offline/index.js';
