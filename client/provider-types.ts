import type { Awareness } from 'y-protocols/awareness';
import type { Manager } from 'socket.io-client';
import type { ErrorInfo } from '../shared/errors.js';
import type { HandshakeParams } from '../shared/handshake-params.js';
import type { OfflineStore } from './offline/types.js';
import type { UpdateRefusal } from './session-types.js';

export type { UpdateRefusal } from './session-types.js';

export type ConnectionStatus = 'connecting' | 'connected' | 'disconnected';

export interface PendingStatus {
  /** Local updates the server has not yet made durable. */
  count: number;
  bytes: number;
}

export interface QuireProviderEvents {
  status: (event: { status: ConnectionStatus }) => void;
  /** True once the server's state has been applied; false when the connection drops. */
  synced: (synced: boolean) => void;
  /** The same as 'synced', under y-websocket's name. */
  sync: (synced: boolean) => void;
  pending: (status: PendingStatus) => void;
  /** Everything edited locally is durable on the server (pending reached zero while synced). */
  saved: () => void;
  /** The server refused the connection or a message; `code` is stable. */
  'connection-error': (error: ErrorInfo) => void;
  'auth-failed': (error: ErrorInfo) => void;
  'permission-denied': (error: ErrorInfo) => void;
  /**
   * The token function threw, rejected or returned no string. The provider stays 'connecting' and
   * calls it again in `retryInMs` (doubling from `reconnectionDelay` up to `reconnectionDelayMax`)
   * until it delivers, or until `disconnect()`/`destroy()`.
   */
  'token-error': (event: { error: Error; retryInMs: number }) => void;
  /** A message was refused (read-only, rate limited, …). */
  notice: (error: ErrorInfo) => void;
  /**
   * Local edits the server will not take as they are (UPDATE_TOO_LARGE above its per-update cap,
   * MALFORMED_UPDATE, …): they stay local and pending, and 'saved' does not fire. Sending resumes
   * when the document changes (an undone paste may fit) or the connection is renewed.
   */
  'update-refused': (refusal: UpdateRefusal) => void;
  /**
   * The offline store failed to restore or to write. Editing and syncing go on (the document and
   * the queue are still in memory); failed writes are retried with backoff.
   */
  'offline-error': (error: Error) => void;
}

export type TokenSource = string | (() => string | Promise<string>);

export interface QuireProviderOptions {
  /** Connect right away. Default true. */
  connect?: boolean;
  /** Use this Awareness instead of a new one. */
  awareness?: Awareness;
  /**
   * Sent as `auth.token` at each (re)connect; a function is called each time (token refresh). A
   * function that fails is retried with backoff ('token-error'); a token the server finds expired
   * makes the provider call the function again and reconnect, while an expired static string
   * stops the provider with 'auth-failed' (TOKEN_EXPIRED).
   */
  token?: TokenSource;
  /**
   * A token function call that has not settled after this many ms counts as failed ('token-error')
   * and the function is called again: a request hung by a flaky network must not hold the provider
   * for good. Default 15,000.
   */
  tokenTimeout?: number;
  /**
   * Extra string fields sent with each document's handshake (y-websocket's `params`), read by the
   * server's hooks as `handshake.params`; a function is called at each (re)connect. At most 32
   * fields of up to 4 KiB each; others are dropped by the server.
   */
  params?: HandshakeParams | (() => HandshakeParams | Promise<HandshakeParams>);
  /** Socket.io endpoint path. Default '/socket.io'. */
  path?: string;
  /** Socket.io transports, e.g. ['polling'] or ['websocket']. Default: polling, then upgrade. */
  transports?: ('polling' | 'websocket' | 'webtransport')[];
  /** Reconnection backoff, in ms. Defaults 500 and 5,000. */
  reconnectionDelay?: number;
  reconnectionDelayMax?: number;
  /** Use this Socket.io Manager (connection) instead of the shared one for `url`. */
  manager?: Manager;
  /**
   * Where the document and the pending queue are kept so that a reload, a crash or a closed tab
   * while offline loses nothing: an IndexedDbOfflineStore in browsers, a FileOfflineStore
   * (`y-quire/client/file-store`) in Node, a MemoryOfflineStore shared within a process. Both are
   * restored before the provider connects. Default: none (memory, for this provider's lifetime).
   */
  offline?: OfflineStore;
  /**
   * Share this document's edits with the other tabs of this browser (BroadcastChannel), so they
   * see each other live even while the server is unreachable. Default: true in browsers, false
   * elsewhere.
   */
  crossTab?: boolean;
}
