/**
 * QuireProvider: syncs a Y.Doc with a quire server over one Socket.io namespace, in browsers and
 * in Node. The sync protocol itself (pending queue, acknowledgements, refusals, parts) is the
 * SyncSession's and the socket's life (connect, reconnect, back-off) the SocketLifecycle's; this
 * class connects them to each other, to awareness and to the offline store.
 */
import createDebug from 'debug';
import { ObservableV2 } from 'lib0/observable';
import { Awareness } from 'y-protocols/awareness';
import type * as Y from 'yjs';
import { canonicalDocName, docNamespace } from '../shared/doc-name.js';
import type { ErrorInfo } from '../shared/errors.js';
import type { HandshakeAuth } from '../shared/events.js';
import { PROTOCOL_VERSION } from '../shared/protocol/version.js';
import { AwarenessSync } from './awareness-sync.js';
import { toBytes } from './binary.js';
import { leaseManager } from './connection-pool.js';
import { OfflineBinding } from './offline/offline-binding.js';
import { acknowledgedRanges } from './acknowledged-ranges.js';
import { clearAwarenessOnPageLeave } from './page-leave.js';
import type { ConnectionStatus, QuireProviderEvents, QuireProviderOptions } from './provider-types.js';
import { TabChannel, tabsAvailable } from './tab-channel.js';
import { isPayloadTooLarge } from './transport-close.js';
import type { PendingEntry } from './pending-queue.js';
import type { SyncTransport, UpdateRefusal } from './session-types.js';
import { SyncSession } from './sync-session.js';
import { ProviderVersions } from './versions.js';
import { randomSessionId } from './session-id.js';
import { type ClientSocket, SocketLifecycle } from './socket-lifecycle.js';
import { TokenRetry } from './token-retry.js';

const debug = createDebug('quire:client:provider');

export class QuireProvider extends ObservableV2<QuireProviderEvents> {
  /** The document's name in its one spelling (Unicode NFC). */
  readonly docName: string;
  readonly awareness: Awareness;
  private currentStatus: ConnectionStatus = 'disconnected';
  /** The document's version history (client/versions.ts). */
  readonly versions = new ProviderVersions();

  private readonly connection: SocketLifecycle;
  private readonly tokens: TokenRetry;
  private readonly sync: SyncSession;
  /** Null without an offline store: the document and queue then live in memory only. */
  private readonly offline: OfflineBinding | null;
  private readonly restoring: Promise<void>;
  private readonly awarenessSync: AwarenessSync;
  private readonly session = randomSessionId();
  /** Sessions whose pending records were restored, and the highest sequence number of each. */
  private readonly restoredThrough = new Map<string, number>();
  /** Sessions of this device whose restored edits this provider sends (see HandshakeAuth.sessions). */
  private readonly earlierSessions = new Set<string>();
  /** Null outside browsers or with `crossTab: false`. */
  private readonly tabs: TabChannel | null;
  private readonly stopWatchingPage: () => void;
  private destroyed = false;

  constructor(
    readonly url: string,
    docName: string,
    readonly doc: Y.Doc,
    private readonly options: QuireProviderOptions = {},
  ) {
    super();
    // One spelling per document (NFC): names that look the same open the same document.
    this.docName = canonicalDocName(docName);
    docName = this.docName;
    const namespace = docNamespace(docName);
    this.awareness = options.awareness ?? new Awareness(doc);
    const reconnectionDelay = options.reconnectionDelay ?? 500;
    const reconnectionDelayMax = options.reconnectionDelayMax ?? 5_000;
    const lease =
      options.manager === undefined
        ? leaseManager(url, namespace, {
            path: options.path ?? '/socket.io',
            transports: options.transports ?? ['polling', 'websocket'],
            reconnectionDelay,
            reconnectionDelayMax,
          })
        : null;
    this.tokens = new TokenRetry(options.token, {
      minDelayMs: reconnectionDelay,
      maxDelayMs: reconnectionDelayMax,
      timeoutMs: options.tokenTimeout ?? 15_000,
      onError: (error, retryInMs) => this.emit('token-error', [{ error, retryInMs }]),
    });
    this.connection = new SocketLifecycle(
      {
        docName,
        lease,
        manager: options.manager ?? lease!.manager,
        tokens: this.tokens,
        handshake: (token) => this.handshakeAuth(token),
        tokenFunction: typeof options.token === 'function',
        reconnectionDelay,
        reconnectionDelayMax,
      },
      {
        opened: (socket) => this.listenTo(socket),
        closing: () => this.versions.detach(),
        status: (status) => this.setStatus(status),
        connected: () => {
          this.awarenessSync.connectionOpened();
          this.sync.connectionOpened(this.transport);
        },
        disconnected: (details) => {
          this.awarenessSync.connectionLost();
          // The connection closed over a message of ours: the next attempt sends smaller parts.
          return this.sync.connectionLost(isPayloadTooLarge(details));
        },
        connectionError: (info) => this.emit('connection-error', [info]),
        authFailed: (info) => this.emit('auth-failed', [info]),
        permissionDenied: (info) => this.emit('permission-denied', [info]),
      },
    );
    this.sync = new SyncSession(
      doc,
      this,
      {
        synced: (synced) => {
          this.emit('synced', [synced]);
          // y-websocket's name for the same event, for code written against it.
          this.emit('sync', [synced]);
        },
        pending: (status) => this.emit('pending', [status]),
        saved: () => this.emit('saved', []),
        notice: (info) => this.emit('notice', [info]),
        updateRefused: (refusal) => this.emit('update-refused', [refusal]),
        acknowledged: (entries) => this.onAcknowledged(entries),
        queued: (entry) => {
          // Queued entries come from a move to a fresh client id: the presence follows.
          this.awarenessSync.followClientId();
          this.offline?.recordPending({ session: this.session, seq: entry.seq, update: entry.update });
        },
      },
      { retryDelayMin: reconnectionDelay, retryDelayMax: reconnectionDelayMax },
    );
    this.awarenessSync = new AwarenessSync(this.awareness, (update) => this.socket.emit('awareness', update), this);
    doc.on('update', this.onLocalUpdate);
    this.offline =
      options.offline === undefined
        ? null
        : new OfflineBinding(options.offline, docName, doc, (error) => this.emit('offline-error', [error]));
    this.tabs =
      (options.crossTab ?? tabsAvailable())
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

  /** The document's current socket (the lifecycle replaces it when the pool moves the document). */
  private get socket(): ClientSocket {
    return this.connection.socket;
  }

  /** The connection's state; changes are announced by the 'status' event. */
  get status(): ConnectionStatus {
    return this.currentStatus;
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
    this.connection.allowConnecting();
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

  /** Connects once the offline state is restored (at once without a store). */
  connect(): void {
    if (this.destroyed) return;
    this.connection.connect();
  }

  disconnect(): void {
    this.connection.disconnect();
  }

  override destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.awarenessSync.leave();
    this.stopWatchingPage();
    this.tabs?.close();
    this.connection.stop();
    this.doc.off('update', this.onLocalUpdate);
    this.sync.destroy();
    this.versions.destroy();
    // Hands unsaved changes to the store now, so a provider reopened on it at once finds them.
    void this.offline?.close();
    this.connection.release();
    if (this.options.awareness === undefined) this.awareness.destroy();
    super.destroy();
  }

  /** The provider's listeners on a socket the lifecycle opened (the lifecycle removes them all). */
  private listenTo(socket: ClientSocket): void {
    socket.on('update', this.onRemoteUpdate);
    socket.on('awareness', this.onRemoteAwareness);
    socket.on('notice', this.onNotice);
    this.versions.attach(socket);
  }

  private async handshakeAuth(token: string | undefined): Promise<HandshakeAuth> {
    const auth: HandshakeAuth = { protocol: PROTOCOL_VERSION, session: this.session };
    if (this.earlierSessions.size > 0) auth.sessions = [...this.earlierSessions].slice(-16);
    // The id this provider writes under: the server binds it to our session (see docs/SECURITY.md).
    auth.clientIds = [this.doc.clientID];
    if (token !== undefined) auth.token = token;
    const { params } = this.options;
    if (params !== undefined) {
      try {
        auth.params = typeof params === 'function' ? await params() : params;
      } catch (error) {
        // The hooks see no params rather than the document never connecting.
        debug('%s: the params function failed: %O', this.docName, error);
      }
    }
    return auth;
  }

  /** The session's messages, as Socket.io events with acks on this provider's socket. */
  private readonly transport: SyncTransport = {
    syncStep1: (frame, answer) => void this.socket.emit('sync-step-1', frame, answer),
    update: (frame, answer) => void this.socket.emit('update', frame, answer),
    updatePart: (header, part, answer) => void this.socket.emit('update-part', header, part, answer),
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
    this.connection.noticed(info);
  };

  private readonly onLocalUpdate = (update: Uint8Array, origin: unknown): void => {
    // Our own origin marks the server's updates; the binding's marks what it restored.
    if (origin === this || (origin !== null && origin === this.offline)) return;
    // Another tab's edit: that tab sends it (see TabChannel).
    if (this.tabs?.isOrigin(origin)) return;
    const entry = this.sync.localUpdate(update);
    this.offline?.recordPending({ session: this.session, seq: entry.seq, update: entry.update });
  };

  /** The server stored these entries: the offline store may let their records go. */
  private onAcknowledged(entries: readonly PendingEntry[]): void {
    if (this.offline === null) return;
    const own = { session: this.session, seq: this.sync.pending.lastSeq };
    this.offline.acknowledge(acknowledgedRanges(own, this.restoredThrough, entries, this.sync.pending.remaining()));
  }

  private setStatus(status: ConnectionStatus): void {
    if (this.currentStatus === status) return;
    this.currentStatus = status;
    this.emit('status', [{ status }]);
  }
}
