/**
 * QuireProvider: syncs a Y.Doc with a quire server over one Socket.io namespace, in browsers and
 * in Node. Local updates enter the pending queue before they are sent and leave it only when the
 * server acknowledges them as durable; a (re)connect exchanges state vectors both ways.
 */
import createDebug from 'debug';
import { ObservableV2 } from 'lib0/observable';
import * as random from 'lib0/random';
import { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import type { Socket } from 'socket.io-client';
import type { Ack } from '../shared/ack.js';
import { docNamespace } from '../shared/doc-name.js';
import { type ErrorInfo, ErrorCodes } from '../shared/errors.js';
import type { ClientToServerEvents, HandshakeAuth, ServerToClientEvents, SyncStep1Reply } from '../shared/events.js';
import { decodeSyncFrame, encodeSyncFrame } from '../shared/protocol/sync.js';
import { mergeMany } from '../shared/merge-updates.js';
import { PROTOCOL_VERSION } from '../shared/protocol/version.js';
import { AwarenessSync } from './awareness-sync.js';
import { toBytes } from './binary.js';
import { type ClientMove, rekeyClient, remapMoved, stateVectorWithAbandoned, withoutAbandoned } from './client-id-rekey.js';
import { ClosedConnectionBackoff, closesTheConnection } from './closed-connection-backoff.js';
import { type ManagerLease, leaseManager } from './connection-pool.js';
import { OfflineBinding } from './offline/offline-binding.js';
import type { AcknowledgedRange } from './offline/types.js';
import { clearAwarenessOnPageLeave } from './page-leave.js';
import { type PendingEntry, PendingQueue } from './pending-queue.js';
import type { ConnectionStatus, QuireProviderEvents, QuireProviderOptions } from './provider-types.js';
import { TabChannel, tabsAvailable } from './tab-channel.js';

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

/** Update refusals that pass: the same updates are sent again after a pause. */
const retriedUpdateRefusals = new Set<string>([
  ErrorCodes.STORE_FAILED,
  ErrorCodes.RATE_LIMITED,
  ErrorCodes.SERVER_BUSY,
  ErrorCodes.DOCUMENT_CLOSED,
  ErrorCodes.SHUTTING_DOWN,
]);

export class QuireProvider extends ObservableV2<QuireProviderEvents> {
  readonly awareness: Awareness;
  private currentStatus: ConnectionStatus = 'disconnected';
  private isSynced = false;
  /** What the server granted on the current connection; null before the first handshake. */
  access: 'write' | 'read' | null = null;

  private readonly socket: ClientSocket;
  private readonly lease: ManagerLease | null;
  private readonly pending = new PendingQueue();
  /** Null without an offline store: the document and queue then live in memory only. */
  private readonly offline: OfflineBinding | null;
  private readonly restoring: Promise<void>;
  private restored = false;
  private readonly awarenessSync: AwarenessSync;
  private readonly session = random.uuidv4();
  /** Null outside browsers or with `crossTab: false`. */
  private readonly tabs: TabChannel | null;
  private readonly stopWatchingPage: () => void;
  /** Sessions of this device whose restored edits this provider sends (see HandshakeAuth.sessions). */
  private readonly earlierSessions = new Set<string>();
  /** Client ids the server said are another session's, with our clock there: never offered again. */
  private readonly abandoned = new Map<number, number>();
  /** Where their edits went (client-id-rekey.ts): later outgoing updates refer to the copies. */
  private readonly moves: ClientMove[] = [];
  /** Increases with every connection, so answers meant for an old one are ignored. */
  private epoch = 0;
  private sendScheduled = false;
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
    const manager = options.manager ?? this.lease!.manager;
    this.socket = manager.socket(namespace, { auth: (send) => void this.handshakeAuth().then(send, this.onTokenError) });
    this.awarenessSync = new AwarenessSync(this.awareness, (update) => this.socket.emit('awareness', update), this);

    this.socket.on('connect', this.onConnect);
    this.socket.on('disconnect', this.onDisconnect);
    this.socket.on('connect_error', this.onConnectError);
    this.socket.on('update', this.onRemoteUpdate);
    this.socket.on('awareness', this.onRemoteAwareness);
    this.socket.on('notice', this.onNotice);
    manager.on('reconnect_attempt', this.onReconnectAttempt);
    doc.on('update', this.onLocalUpdate);
    this.offline = options.offline === undefined
      ? null
      : new OfflineBinding(options.offline, docName, doc, (error) => this.emit('offline-error', [error]));
    this.tabs = (options.crossTab ?? tabsAvailable())
      ? new TabChannel(`y-quire:${url}:${options.path ?? '/socket.io'}:${docName}`, doc, {
          isOwnEdit: (origin) => origin !== this && (this.offline === null || origin !== this.offline),
          mayShare: () => this.access !== 'read',
          sessions: () => [this.session, ...this.earlierSessions],
          carry: (session) => {
            if (session !== this.session) this.earlierSessions.add(session);
          },
        })
      : null;
    this.stopWatchingPage = clearAwarenessOnPageLeave(this.awareness, 'page-leave');
    this.restoring = this.restore();
    if (options.connect !== false) this.connect();
  }

  /** The connection's state; changes are announced by the 'status' event. */
  get status(): ConnectionStatus {
    return this.currentStatus;
  }

  /** True once the server's state has been applied on the current connection ('synced'/'sync' events). */
  get synced(): boolean {
    return this.isSynced;
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
          this.pending.push(update, { session, seq });
          // Those edits were written under that session's client ids: present it so the server lets us send them.
          if (session !== this.session) this.earlierSessions.add(session);
        }
        if (pending.length > 0) this.emitPending();
      } catch (error) {
        // Unreadable store: keep working online; new changes are still offered to the store.
        debug('%s: restoring from the offline store failed: %O', this.docName, error);
        this.emit('offline-error', [error instanceof Error ? error : new Error(String(error))]);
      }
    }
    this.restored = true;
    if (this.wantConnected && !this.destroyed) this.connect();
  }

  get pendingCount(): number {
    return this.pending.count;
  }

  get pendingBytes(): number {
    return this.pending.bytes;
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
    this.socket.disconnect();
  }

  override destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.awarenessSync.leave();
    this.stopWatchingPage();
    this.tabs?.close();
    this.disconnect();
    this.socket.off();
    this.socket.io.off('reconnect_attempt', this.onReconnectAttempt);
    this.doc.off('update', this.onLocalUpdate);
    // Hands unsaved changes to the store now, so a provider reopened on it at once finds them.
    void this.offline?.close();
    this.lease?.release();
    if (this.options.awareness === undefined) this.awareness.destroy();
    super.destroy();
  }

  private async handshakeAuth(): Promise<HandshakeAuth> {
    const auth: HandshakeAuth = { protocol: PROTOCOL_VERSION, session: this.session };
    if (this.earlierSessions.size > 0) auth.sessions = [...this.earlierSessions].slice(-16);
    // The id this provider writes under: the server binds it to our session (see docs/SECURITY.md).
    auth.clientIds = [this.doc.clientID];
    const { token } = this.options;
    if (token !== undefined) auth.token = typeof token === 'function' ? await token() : token;
    const { params } = this.options;
    if (params !== undefined) auth.params = typeof params === 'function' ? await params() : params;
    return auth;
  }

  /** The token function failed: nothing can be sent, so stop like a refused token would. */
  private readonly onTokenError = (error: unknown): void => {
    debug('%s: the token function failed: %O', this.docName, error);
    const info: ErrorInfo = { code: ErrorCodes.AUTH_FAILED, message: 'The token could not be obtained.' };
    this.disconnect();
    this.setStatus('disconnected');
    this.emit('connection-error', [info]);
    this.emit('auth-failed', [info]);
  };

  private readonly onConnect = (): void => {
    this.epoch++;
    this.setStatus('connected');
    this.awarenessSync.connectionOpened();
    this.handshake(this.epoch);
  };

  private handshake(epoch: number): void {
    const step1 = encodeSyncFrame('step1', Y.encodeStateVector(this.doc));
    this.socket.emit('sync-step-1', step1, (reply) => {
      if (epoch !== this.epoch || !this.socket.connected) return;
      try {
        this.onSyncReply(reply, epoch);
      } catch (error) {
        // A reply we cannot read must not throw into Socket.io; ask again later.
        debug('%s: unreadable handshake reply: %O', this.docName, error);
        this.scheduleRetry(() => this.handshake(epoch));
      }
    });
  }

  private onSyncReply(reply: Ack<SyncStep1Reply>, epoch: number): void {
    if (!reply.ok) {
      this.emit('notice', [{ code: reply.code, message: reply.message }]);
      // The server could not load the document: ask again later, on the same connection.
      this.scheduleRetry(() => this.handshake(epoch));
      return;
    }
    this.retryDelay = 500;
    this.access = reply.access;
    Y.applyUpdate(this.doc, decodeSyncFrame(toBytes(reply.step2)).payload, this);
    if (reply.access === 'write') {
      // Send what the server lacks. Its ack means everything the server holds of this document
      // is durable, so every pending update queued so far is covered, including those the server
      // got before but whose ack the connection lost.
      const serverState = stateVectorWithAbandoned(decodeSyncFrame(toBytes(reply.step1)).payload, this.abandoned);
      const missing = remapMoved(this.doc, Y.encodeStateAsUpdate(this.doc, serverState), this.moves);
      const throughSeq = this.pending.markAllSent();
      if (this.pending.count > 0 || missing.byteLength > 2) {
        this.sendFrame(encodeSyncFrame('step2', missing), throughSeq, epoch);
      }
    }
    this.setSynced(true);
    this.scheduleSend();
  }

  private readonly onDisconnect = (reason: Socket.DisconnectReason): void => {
    debug('%s disconnected: %s', this.docName, reason);
    // Socket.io would replay packets buffered while offline; the pending queue resends instead.
    this.socket.sendBuffer = [];
    this.pending.resetSent();
    this.epoch++;
    this.awarenessSync.connectionLost();
    if (this.synced) this.setSynced(false);
    this.setStatus('disconnected');
    // A server-side disconnect is not retried by Socket.io itself.
    if (reason === 'io server disconnect' && this.wantConnected) {
      this.scheduleRetry(() => this.socket.connect());
    }
  };

  private readonly onConnectError = (error: Error & { data?: unknown }): void => {
    const info = connectErrorInfo(error);
    debug('%s connect error: %s', this.docName, info?.code ?? error.message);
    // Without data it is a transport failure (server down): Socket.io keeps retrying by itself.
    if (info === null) return;
    this.emit('connection-error', [info]);
    if (info.code === ErrorCodes.AUTH_FAILED || info.code === ErrorCodes.TOKEN_EXPIRED) this.emit('auth-failed', [info]);
    if (info.code === ErrorCodes.PERMISSION_DENIED) this.emit('permission-denied', [info]);
    if (terminalConnectErrors.has(info.code)) {
      this.wantConnected = false;
      this.setStatus('disconnected');
    } else if (this.wantConnected) {
      // Socket.io does not retry a namespace the server refused; a passing refusal (rate limit,
      // too many documents, shutdown) is retried here, with backoff.
      this.scheduleRetry(() => this.socket.connect());
    }
  };

  private readonly onReconnectAttempt = (): void => {
    if (this.wantConnected && !this.socket.connected) this.setStatus('connecting');
  };

  private readonly onRemoteUpdate = (frame: Uint8Array): void => {
    try {
      Y.applyUpdate(this.doc, decodeSyncFrame(toBytes(frame)).payload, this);
    } catch (error) {
      debug('%s: ignoring a malformed update from the server: %O', this.docName, error);
    }
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
    // Another tab's edit: that tab sends it (see TabChannel).
    if (this.tabs?.isOrigin(origin)) return;
    const entry = this.pending.push(remapMoved(this.doc, update, this.moves));
    this.offline?.recordPending({ session: this.session, seq: entry.seq, update: entry.update });
    this.emitPending();
    this.scheduleSend();
  };

  /** Sends the queue's unsent updates as one message at the end of the current turn. */
  private scheduleSend(): void {
    if (this.sendScheduled) return;
    this.sendScheduled = true;
    queueMicrotask(() => {
      this.sendScheduled = false;
      if (this.synced && this.access === 'read' && this.pending.takeUnsent() !== null) {
        // Local edits on a read-only connection stay local; say so once per batch.
        this.emit('notice', [{ code: ErrorCodes.READ_ONLY, message: 'This connection is read-only; local edits are not sent.' }]);
      }
      if (!this.synced || this.access !== 'write' || !this.socket.connected) return;
      const batch = this.pending.takeUnsent();
      if (batch !== null) this.sendFrame(encodeSyncFrame('update', batch.update), batch.throughSeq, this.epoch);
    });
  }

  private sendFrame(frame: Uint8Array, throughSeq: number, epoch: number): void {
    this.socket.emit('update', frame, (reply) => {
      if (epoch !== this.epoch) return;
      if (reply.ok) {
        const removed = this.pending.acknowledge(throughSeq);
        if (removed.length === 0) return;
        this.offline?.acknowledge(this.storedRanges(removed));
        this.emitPending();
        return;
      }
      this.emit('notice', [{ code: reply.code, message: reply.message }]);
      if (reply.code === ErrorCodes.CLIENT_ID_TAKEN) {
        this.moveOffTakenIds(frame, reply.clientIds ?? []);
        return;
      }
      if (retriedUpdateRefusals.has(reply.code)) {
        // Not durable yet (or refused for now): send the same updates again after a pause.
        this.pending.resetSent();
        this.scheduleRetry(() => this.scheduleSend());
      }
    });
  }

  /**
   * The server refused a frame because it writes under client ids another session owns: re-encode
   * those edits under a fresh id (client-id-rekey.ts), replace the queue's entries with the result,
   * and send it. Nothing is lost; the abandoned ranges are never offered again.
   */
  private moveOffTakenIds(frame: Uint8Array, taken: readonly number[]): void {
    let from: Map<number, number>;
    try {
      from = Y.parseUpdateMeta(decodeSyncFrame(frame).payload).from;
    } catch {
      return;
    }
    const copies: Uint8Array[] = [];
    for (const id of taken) {
      const fromClock = from.get(id);
      if (fromClock === undefined || (this.abandoned.get(id) ?? -1) >= fromClock) continue;
      const moved = rekeyClient(this.doc, id, fromClock, this);
      debug('%s: client id %d is taken; edits moved to %d', this.docName, id, moved?.fresh ?? this.doc.clientID);
      if (moved === null) continue;
      this.abandoned.set(id, moved.end);
      this.moves.push(moved);
      copies.push(moved.update);
    }
    const removed = this.pending.acknowledge(this.pending.lastSeq);
    this.offline?.acknowledge(this.storedRanges(removed));
    const rest = remapMoved(this.doc, withoutAbandoned(mergeMany(removed.map((entry) => entry.update)), this.abandoned), this.moves);
    const entry = this.pending.push(mergeMany([rest, ...copies]));
    this.offline?.recordPending({ session: this.session, seq: entry.seq, update: entry.update });
    this.pending.resetSent();
    this.emitPending();
    this.scheduleSend();
  }

  /** The offline store's records of acknowledged entries, as one range per session. */
  private storedRanges(removed: readonly PendingEntry[]): AcknowledgedRange[] {
    const through = new Map<string, number>();
    for (const entry of removed) {
      const { session, seq } = entry.restoredFrom ?? { session: this.session, seq: entry.seq };
      through.set(session, Math.max(seq, through.get(session) ?? 0));
    }
    return [...through].map(([session, throughSeq]) => ({ session, throughSeq }));
  }

  private emitPending(): void {
    this.emit('pending', [{ count: this.pending.count, bytes: this.pending.bytes }]);
    if (this.pending.count === 0 && this.synced) this.emit('saved', []);
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
    if (this.currentStatus === status) return;
    this.currentStatus = status;
    this.emit('status', [{ status }]);
  }

  private setSynced(synced: boolean): void {
    this.isSynced = synced;
    this.emit('synced', [synced]);
    // y-websocket's name for the same event, for code written against it.
    this.emit('sync', [synced]);
  }
}

/** The server's refusal carried by a connect_error, or null for a transport failure. */
function connectErrorInfo(error: Error & { data?: unknown }): ErrorInfo | null {
  const data = error.data as Partial<ErrorInfo> | undefined;
  if (typeof data?.code === 'string' && typeof data.message === 'string') {
    return { code: data.code, message: data.message } as ErrorInfo;
  }
  return null;
}
