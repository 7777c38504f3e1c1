/**
 * One document's Socket.io socket over its life: opened on a pooled Manager (or the application's),
 * moved to another pooled connection when a shared one carries as many documents as the server
 * allows, connected and disconnected as the application asks, and reopened with back-off where
 * Socket.io does not retry by itself (a namespace the server refused, a server-side disconnect, a
 * server closing the connection for how this client behaved). What travels over the socket is the
 * provider's: it hears of each change through SocketLifecycleEvents.
 */
import createDebug from 'debug';
import type { Manager, Socket } from 'socket.io-client';
import { docNamespace } from '../shared/doc-name.js';
import { type ErrorInfo, ErrorCodes } from '../shared/errors.js';
import type { ClientToServerEvents, HandshakeAuth, ServerToClientEvents } from '../shared/events.js';
import { ClosedConnectionBackoff, closesTheConnection } from './closed-connection-backoff.js';
import type { ManagerLease } from './connection-pool.js';
import type { ConnectionStatus } from './provider-types.js';
import type { TokenRetry } from './token-retry.js';

const debug = createDebug('quire:client:provider:socket');

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Errors after which retrying the same request cannot succeed. */
const terminalConnectErrors = new Set<string>([
  ErrorCodes.AUTH_FAILED,
  ErrorCodes.TOKEN_EXPIRED,
  ErrorCodes.PERMISSION_DENIED,
  ErrorCodes.ORIGIN_NOT_ALLOWED,
  ErrorCodes.PROTOCOL_MISMATCH,
  ErrorCodes.BAD_DOC_NAME,
]);

/** What the lifecycle tells its provider. */
export interface SocketLifecycleEvents {
  /** A socket was opened: the provider adds its own listeners (they all go when the socket is closed). */
  opened(socket: ClientSocket): void;
  /** The socket is about to be dropped (destroyed, or moved to another connection). */
  closing(): void;
  status(status: ConnectionStatus): void;
  connected(): void;
  /** The socket disconnected; returns the error to report once the status says so (or null). */
  disconnected(details: unknown): ErrorInfo | null;
  connectionError(info: ErrorInfo): void;
  /** The server refused the credentials, and no token function will be asked for new ones. */
  authFailed(info: ErrorInfo): void;
  permissionDenied(info: ErrorInfo): void;
}

export interface SocketLifecycleOptions {
  docName: string;
  /** Null with the application's own Manager: the pool then neither shares nor moves the connection. */
  lease: ManagerLease | null;
  manager: Manager;
  tokens: TokenRetry;
  /** The handshake's auth payload, around the token of this attempt. */
  handshake(token: string | undefined): Promise<HandshakeAuth>;
  /** Whether a token function supplies tokens (an expired one is then asked for again). */
  tokenFunction: boolean;
  reconnectionDelay: number;
  reconnectionDelayMax: number;
}

export class SocketLifecycle {
  private current: ClientSocket;
  private lease: ManagerLease | null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private retryDelay = 500;
  private readonly closedBackoff = new ClosedConnectionBackoff();
  /** Whether the application wants a connection (connect() until disconnect()). */
  private wanted = false;
  /** Connecting waits for this: the handshake must offer the restored offline state. */
  private ready = false;
  private stopped = false;

  constructor(
    private readonly options: SocketLifecycleOptions,
    private readonly events: SocketLifecycleEvents,
  ) {
    this.lease = options.lease;
    this.current = this.open(options.manager);
  }

  get socket(): ClientSocket {
    return this.current;
  }

  /** Lets connect() through (the offline state is restored); connects if asked to meanwhile. */
  allowConnecting(): void {
    this.ready = true;
    if (this.wanted && !this.stopped) this.connect();
  }

  connect(): void {
    if (this.stopped) return;
    this.wanted = true;
    if (this.current.connected || this.current.active) return;
    this.events.status('connecting');
    // Connects once allowConnecting() is called.
    if (!this.ready) return;
    this.current.connect();
  }

  disconnect(): void {
    this.wanted = false;
    this.clearRetry();
    this.options.tokens.cancel();
    this.current.disconnect();
  }

  /** Disconnects for good and drops the socket's listeners. */
  stop(): void {
    this.stopped = true;
    this.disconnect();
    this.close();
  }

  /** Hands the pooled connection back (last, once everything riding it is done). */
  release(): void {
    this.lease?.release();
  }

  /** The server's 'notice': one that closes the connection means come back later, not at once. */
  noticed(info: ErrorInfo): void {
    if (!closesTheConnection(info.code) || !this.wanted) return;
    this.events.connectionError(info);
    this.current.disconnect();
    this.wanted = true;
    this.clearRetry();
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (!this.stopped && this.wanted) this.current.connect();
    }, this.closedBackoff.nextDelay());
  }

  /** This document's socket on `manager`, listened to. */
  private open(manager: Manager): ClientSocket {
    const { tokens, handshake } = this.options;
    const socket: ClientSocket = manager.socket(docNamespace(this.options.docName), {
      // Asked at every (re)connect: a token function is called each time (see TokenRetry).
      auth: (send) => tokens.request((token) => void handshake(token).then(send)),
    });
    socket.on('connect', this.onConnect);
    socket.on('disconnect', this.onDisconnect);
    socket.on('connect_error', this.onConnectError);
    this.events.opened(socket);
    manager.on('reconnect_attempt', this.onReconnectAttempt);
    return socket;
  }

  private close(): void {
    this.events.closing();
    this.current.off();
    this.current.io.off('reconnect_attempt', this.onReconnectAttempt);
  }

  /**
   * The server refused this document on a shared connection that carries as many as it allows:
   * move to another connection of the pool and connect there at once.
   */
  private move(limit: number | undefined): boolean {
    const moved = this.lease?.moveAfterRefusal(limit) ?? null;
    if (moved === null) return false;
    this.close();
    this.current.disconnect();
    this.lease = moved;
    this.current = this.open(moved.manager);
    this.current.connect();
    return true;
  }

  private readonly onConnect = (): void => {
    this.retryDelay = this.options.reconnectionDelay;
    this.events.status('connected');
    this.events.connected();
  };

  private readonly onDisconnect = (reason: Socket.DisconnectReason, details?: unknown): void => {
    debug('%s disconnected: %s', this.options.docName, reason);
    // Socket.io would replay packets buffered while offline; the pending queue resends instead.
    this.current.sendBuffer = [];
    const error = this.events.disconnected(details);
    this.events.status('disconnected');
    if (error !== null) this.events.connectionError(error);
    // A server-side disconnect is not retried by Socket.io itself.
    if (reason === 'io server disconnect' && this.wanted) this.scheduleRetry(this.reconnect);
  };

  private readonly onConnectError = (error: Error & { data?: unknown }): void => {
    const info = connectErrorInfo(error);
    debug('%s connect error: %s', this.options.docName, info?.code ?? error.message);
    // Without data it is a transport failure (server down): Socket.io keeps retrying by itself.
    if (info === null) return;
    // A shared connection that is full: not an error for the application, the pool moves on.
    if (info.code === ErrorCodes.TOO_MANY_DOCUMENTS && this.wanted && this.move(info.limit)) return;
    this.events.connectionError(info);
    // An expired token from a token function: the retry below calls the function again.
    const refreshable = info.code === ErrorCodes.TOKEN_EXPIRED && this.options.tokenFunction;
    if (!refreshable && (info.code === ErrorCodes.AUTH_FAILED || info.code === ErrorCodes.TOKEN_EXPIRED)) this.events.authFailed(info);
    if (info.code === ErrorCodes.PERMISSION_DENIED) this.events.permissionDenied(info);
    if (terminalConnectErrors.has(info.code) && !refreshable) {
      this.wanted = false;
      this.events.status('disconnected');
    } else if (this.wanted) {
      // Socket.io does not retry a namespace the server refused; a passing refusal (rate limit,
      // too many documents, shutdown) is retried here, with backoff.
      this.scheduleRetry(this.reconnect);
    }
  };

  /** Opens the namespace again after a refusal or a server-side disconnect, which Socket.io does not retry. */
  private readonly reconnect = (): void => {
    if (!this.wanted) return;
    this.events.status('connecting');
    this.current.connect();
  };

  private readonly onReconnectAttempt = (): void => {
    if (this.wanted && !this.current.connected) this.events.status('connecting');
  };

  private scheduleRetry(action: () => void): void {
    this.clearRetry();
    const delay = this.retryDelay;
    this.retryDelay = Math.min(this.retryDelay * 2, this.options.reconnectionDelayMax);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (!this.stopped) action();
    }, delay);
  }

  private clearRetry(): void {
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }
}

/** The server's refusal carried by a connect_error, or null for a transport failure. */
function connectErrorInfo(error: Error & { data?: unknown }): ErrorInfo | null {
  const data = error.data as Partial<ErrorInfo> | undefined;
  if (typeof data?.code === 'string' && typeof data.message === 'string') {
    const info = { code: data.code, message: data.message } as ErrorInfo;
    if (typeof data.limit === 'number') info.limit = data.limit;
    return info;
  }
  return null;
}
