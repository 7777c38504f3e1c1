/**
 * QuireProvider: syncs a Y.Doc with a quire server over one Socket.io namespace, in browsers and
 * in Node. The sync protocol itself (pending queue, acknowledgements, refusals, parts) is the
 * SyncSession's; this class connects it to Socket.io, awareness and the offline store.
 */
import createDebug from 'debug';
import { ObservableV2 } from 'lib0/observable';
import { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import type { Manager, Socket } from 'socket.io-client';
import { docNamespace } from '../shared/doc-name.js';
import { type ErrorInfo, ErrorCodes } from '../shared/errors.js';
import type { ClientToServerEvents, HandshakeAuth, ServerToClientEvents } from '../shared/events.js';
import { PROTOCOL_VERSION } from '../shared/protocol/version.js';
import { AwarenessSync } from './awareness-sync.js';
import { toBytes } from './binary.js';
import { ClosedConnectionBackoff, closesTheConnection } from './closed-connection-backoff.js';
import { type ManagerLease, leaseManager } from './connection-pool.js';
import { OfflineBinding } from './offline/offline-binding.js';
import { acknowledgedRanges } from './acknowledged-ranges.js';
import type { ConnectionStatus, QuireProviderEvents, QuireProviderOptions } from './provider-types.js';
import { isPayloadTooLarge } from './transport-close.js';
import type { PendingEntry } from './pending-queue.js';
import type { SyncTransport, UpdateRefusal } from './session-types.js';
import { SyncSession } from './sync-session.js';
import { randomSessionId } from './session-id.js';
import { TokenRetry } from './token-retry.js';
import { ProviderVersions } from './versions.js';

const debug = createDebug('quire:client:provider');

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Errors after which retrying the same request cannot succeed. */
const terminalConnectErrors = new Set<string>([
  ErrorCodes.AUTH_FAILED,
  ErrorCodes.TOKEN_EXPIRED,
  ErrorCodes.PERMISSION_DENIED,
  ErrorCodes.PROTOCOL_MISMATCH,
  ErrorCodes.BAD_DOC_NAME,
]);

export class QuireProvider extends ObservableV2<QuireProviderEvents> {
  readonly awareness: Awareness;
  status: ConnectionStatus = 'disconnected';
  /** The document's version history (client/versions.ts). */
  readonly versions: ProviderVersions;

  private socket: ClientSocket;
  /** Null with a `manager` option: the pool then neither shares nor moves the connection. */
  private lease: ManagerLease | null;
  private readonly tokens: TokenRetry;
  private readonly sync: SyncSession;
  /** Null without an offline store: the document and queue then live in memory only. */
  private readonly offline: OfflineBinding | null;
  private readonly restoring: Promise<void>;
  private restored = false;
  private readonly awarenessSync: AwarenessSync;
  private readonly session = randomSessionId();
  /** Sessions whose pending records were restored, and the highest sequence number of each. */
  private readonly restoredThrough = new Map<string, number>();
  /** Sessions of this device whose restored edits this provider sends (see HandshakeAuth.sessions). */
  private readonly earlierSessions = new Set<string>();
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private retryDelay = 500;
  private wantConnected = false;
  private readonly closedBackoff = new ClosedConnectionBackoff();
  private destroyed = false;

  constructor(
    readonly url: string,
    readonly docName: string,
    readonly doc: Y.Doc,
    private readonly options: QuireProviderOptions = {},
  ) {
    super();
    const namespace = docNamespace(docName);
    this.awareness = options.awareness ?? new Awareness(doc);
    this.lease = options.manager === undefined
      ? leaseManager(url, namespace, {
          path: options.path ?? '/socket.io',
          transports: options.transports ?? ['polling', 'websocket'],
          reconnectionDelay: options.reconnectionDelay ?? 500,
          reconnectionDelayMax: options.reconnectionDelayMax ?? 5_000,
        })
      : null;
    this.tokens = new TokenRetry(options.token, {
      minDelayMs: options.reconnectionDelay ?? 500,
      maxDelayMs: options.reconnectionDelayMax ?? 5_000,
      timeoutMs: options.tokenTimeout ?? 15_000,
      onError: (error, retryInMs) => this.emit('token-error', [{ error, retryInMs }]),
    });
    this.socket = this.openSocket(options.manager ?? this.lease!.manager);
    this.sync = new SyncSession(doc, this, {
      synced: (synced) => this.emit('synced', [synced]),
      pending: (status) => this.emit('pending', [status]),
      saved: () => this.emit('saved', []),
      notice: (info) => this.emit('notice', [info]),
      updateRefused: (refusal) => this.emit('update-refused', [refusal]),
      acknowledged: (entries) => this.onAcknowledged(entries),
      queued: (entry) => this.offline?.recordPending({ session: this.session, seq: entry.seq, update: entry.update }),
    }, { retryDelayMin: options.reconnectionDelay ?? 500, retryDelayMax: options.reconnectionDelayMax ?? 5_000 });
    this.awarenessSync = new AwarenessSync(this.awareness, (update) => this.socket.emit('awareness', update), this);
    this.versions = new ProviderVersions(this.socket);
    doc.on('update', this.onLocalUpdate);
    this.offline = options.offline === undefined
      ? null
      : new OfflineBinding(options.offline, docName, doc, (error) => this.emit('offline-error', [error]));
    this.restoring = this.restore();
    if (options.connect !== false) this.connect();
  }

  /**
   * Restores the document and the pending queue from the offline store, then lets the connection
   * start: the handshake must offer the restored state, and the restored queue must be cleared by
   * the server's ack like any other.
   */
  private async restore(): Promise<void> {
    if (this.offline !== null) {
      try {
        const pending = await this.offline.restore();
        for (const { session, seq, update } of pending) {
          this.sync.restore(update, { session, seq });
          this.restoredThrough.set(session, Math.max(seq, this.restoredThrough.get(session) ?? 0));
          // Those edits were written under that session's client ids: present it so the server lets us send them.
          if (session !== this.session) this.earlierSessions.add(session);
        }
        if (pending.length > 0) this.sync.emitPending();
      } catch (error) {
        // Unreadable store: keep working online; new changes are still offered to the store.
        debug('%s: restoring from the offline store failed: %O', this.docName, error);
        this.emit('offline-error', [error instanceof Error ? error : new Error(String(error))]);
      }
    }
    this.restored = true;
    if (this.wantConnected && !this.destroyed) this.connect();
  }

  get synced(): boolean {
    return this.sync.synced;
  }

  /** What the server granted on the current connection; null before the first handshake. */
  get access(): 'write' | 'read' | null {
    return this.sync.access;
  }

  get pendingCount(): number {
    return this.sync.pending.count;
  }

  get pendingBytes(): number {
    return this.sync.pending.bytes;
  }

  /** The refusal keeping local edits from the server (see 'update-refused'), or null. */
  get refused(): UpdateRefusal | null {
    return this.sync.refused;
  }

  /** Resolves once the offline store's document and queue have been applied (at once without a store). */
  whenRestored(): Promise<void> {
    return this.restoring;
  }

  /** Resolves once every change so far is written to the offline store (at once without one). */
  async whenStored(): Promise<void> {
    await this.restoring;
    await this.offline?.whenStored();
  }

  /** Resolves once the server's state has been applied (at once when already synced). */
  whenSynced(): Promise<void> {
    if (this.synced) return Promise.resolve();
    return new Promise((resolve) => {
      const onSynced = (synced: boolean) => {
        if (!synced) return;
        this.off('synced', onSynced);
        resolve();
      };
      this.on('synced', onSynced);
    });
  }

  connect(): void {
    if (this.destroyed) return;
    this.wantConnected = true;
    if (this.socket.connected || this.socket.active) return;
    this.setStatus('connecting');
    // Connects once the offline state is restored (restore() calls back here).
    if (!this.restored) return;
    this.socket.connect();
  }

  disconnect(): void {
    this.wantConnected = false;
    this.clearRetry();
    this.tokens.cancel();
    this.socket.disconnect();
  }

  override destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.awarenessSync.leave();
    this.disconnect();
    this.closeSocket();
    this.doc.off('update', this.onLocalUpdate);
    this.sync.destroy();
    this.versions.destroy();
    // Hands unsaved changes to the store now, so a provider reopened on it at once finds them.
    void this.offline?.close();
    this.lease?.release();
    if (this.options.awareness === undefined) this.awareness.destroy();
    super.destroy();
  }

  /** This document's socket on `manager`, with the provider listening to it. */
  private openSocket(manager: Manager): ClientSocket {
    const socket: ClientSocket = manager.socket(docNamespace(this.docName), {
      // Asked at every (re)connect: a token function is called each time (see TokenRetry).
      auth: (send) => this.tokens.request((token) => send(this.handshakeAuth(token))),
    });
    socket.on('connect', this.onConnect);
    socket.on('disconnect', this.onDisconnect);
    socket.on('connect_error', this.onConnectError);
    socket.on('update', this.onRemoteUpdate);
    socket.on('awareness', this.onRemoteAwareness);
    socket.on('notice', this.onNotice);
    manager.on('reconnect_attempt', this.onReconnectAttempt);
    return socket;
  }

  private handshakeAuth(token: string | undefined): HandshakeAuth {
    const auth: HandshakeAuth = { protocol: PROTOCOL_VERSION, session: this.session };
    if (this.earlierSessions.size > 0) auth.sessions = [...this.earlierSessions].slice(-16);
    // The id this provider writes under: the server binds it to our session (see docs/SECURITY.md).
    auth.clientIds = [this.doc.clientID];
    if (token !== undefined) auth.token = token;
    return auth;
  }

  private closeSocket(): void {
    this.socket.off();
    this.socket.io.off('reconnect_attempt', this.onReconnectAttempt);
  }

  /**
   * The server refused this document on a shared connection that carries as many as it allows:
   * move to another connection of the pool and connect there at once.
   */
  private moveConnection(limit: number | undefined): boolean {
    const moved = this.lease?.moveAfterRefusal(limit) ?? null;
    if (moved === null) return false;
    this.closeSocket();
    this.socket.disconnect();
    this.lease = moved;
    this.socket = this.openSocket(moved.manager);
    this.versions.rebind(this.socket);
    this.socket.connect();
    return true;
  }

  private readonly onConnect = (): void => {
    this.retryDelay = this.options.reconnectionDelay ?? 500;
    this.setStatus('connected');
    this.awarenessSync.connectionOpened();
    this.sync.connectionOpened(this.transport);
  };

  /** The session's messages, as Socket.io events with acks on this provider's socket. */
  private readonly transport: SyncTransport = {
    syncStep1: (frame, answer) => void this.socket.emit('sync-step-1', frame, answer),
    update: (frame, answer) => void this.socket.emit('update', frame, answer),
    updatePart: (header, part, answer) => void this.socket.emit('update-part', header, part, answer),
  };

  private readonly onDisconnect = (reason: Socket.DisconnectReason, details?: unknown): void => {
    debug('%s disconnected: %s', this.docName, reason);
    // Socket.io would replay packets buffered while offline; the pending queue resends instead.
    this.socket.sendBuffer = [];
    this.awarenessSync.connectionLost();
    const tooLarge = this.sync.connectionLost(isPayloadTooLarge(details));
    this.setStatus('disconnected');
    // The connection closed over a message of ours: the next attempt sends smaller parts.
    if (tooLarge !== null) this.emit('connection-error', [tooLarge]);
    // A server-side disconnect is not retried by Socket.io itself.
    if (reason === 'io server disconnect' && this.wantConnected) this.scheduleRetry(this.reconnect);
  };

  private readonly onConnectError = (error: Error & { data?: unknown }): void => {
    const info = connectErrorInfo(error);
    debug('%s connect error: %s', this.docName, info?.code ?? error.message);
    // Without data it is a transport failure (server down): Socket.io keeps retrying by itself.
    if (info === null) return;
    // A shared connection that is full: not an error for the application, the pool moves on.
    if (info.code === ErrorCodes.TOO_MANY_DOCUMENTS && this.wantConnected && this.moveConnection(info.limit)) return;
    this.emit('connection-error', [info]);
    // An expired token from a token function: the retry below calls the function again.
    const refreshable = info.code === ErrorCodes.TOKEN_EXPIRED && typeof this.options.token === 'function';
    if (!refreshable && (info.code === ErrorCodes.AUTH_FAILED || info.code === ErrorCodes.TOKEN_EXPIRED)) this.emit('auth-failed', [info]);
    if (info.code === ErrorCodes.PERMISSION_DENIED) this.emit('permission-denied', [info]);
    if (terminalConnectErrors.has(info.code) && !refreshable) {
      this.wantConnected = false;
      this.setStatus('disconnected');
    } else if (this.wantConnected) {
      // Socket.io does not retry a namespace the server refused; a passing refusal (rate limit,
      // too many documents, shutdown) is retried here, with backoff.
      this.scheduleRetry(this.reconnect);
    }
  };

  /** Opens the namespace again after a refusal or a server-side disconnect, which Socket.io does not retry. */
  private readonly reconnect = (): void => {
    if (!this.wantConnected) return;
    this.setStatus('connecting');
    this.socket.connect();
  };

  private readonly onReconnectAttempt = (): void => {
    if (this.wantConnected && !this.socket.connected) this.setStatus('connecting');
  };

  private readonly onRemoteUpdate = (frame: Uint8Array): void => {
    this.sync.remoteUpdate(frame);
  };

  private readonly onRemoteAwareness = (update: Uint8Array): void => {
    try {
      this.awarenessSync.applyRemote(toBytes(update));
    } catch (error) {
      debug('%s: ignoring a malformed awareness update: %O', this.docName, error);
    }
  };

  private readonly onNotice = (info: ErrorInfo): void => {
    this.emit('notice', [info]);
    if (!closesTheConnection(info.code) || !this.wantConnected) return;
    // The server is closing the connection for how this client behaved: come back later, not at once.
    this.emit('connection-error', [info]);
    this.socket.disconnect();
    this.wantConnected = true;
    this.clearRetry();
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (!this.destroyed && this.wantConnected) this.socket.connect();
    }, this.closedBackoff.nextDelay());
  };

  private readonly onLocalUpdate = (update: Uint8Array, origin: unknown): void => {
    // Our own origin marks the server's updates; the binding's marks what it restored.
    if (origin === this || (origin !== null && origin === this.offline)) return;
    const entry = this.sync.localUpdate(update);
    this.offline?.recordPending({ session: this.session, seq: entry.seq, update: entry.update });
  };

  /** The server stored these entries: the offline store may let their records go. */
  private onAcknowledged(entries: readonly PendingEntry[]): void {
    if (this.offline === null) return;
    const own = { session: this.session, seq: this.sync.pending.lastSeq };
    this.offline.acknowledge(acknowledgedRanges(own, this.restoredThrough, entries, this.sync.pending.remaining()));
  }

  private scheduleRetry(action: () => void): void {
    this.clearRetry();
    const delay = this.retryDelay;
    this.retryDelay = Math.min(this.retryDelay * 2, this.options.reconnectionDelayMax ?? 5_000);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (!this.destroyed) action();
    }, delay);
  }

  private clearRetry(): void {
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private setStatus(status: ConnectionStatus): void {
    if (this.status === status) return;
    this.status = status;
    this.emit('status', [{ status }]);
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
