/**
 * One node of a cluster: documents committed to the shared store (PostgreSQL) by any node reach
 * this node's Y.Docs, and through them its clients.
 *
 * - Every commit of this node is published on the document bus with its sequence numbers.
 * - Updates from other nodes are applied with a `peer` origin: relayed to local sockets, never
 *   stored or published again.
 * - Opening a document subscribes first (confirmed), then reads the store and the head it reached;
 *   bus messages for rows up to that head are duplicates, later ones are applied (they wait for the
 *   load to finish), so no update falls between the load and the subscription.
 * - Convergence never depends on the bus: a sequence gap (after a grace period for messages still
 *   on their way), a periodic batched head check of every open document and a bus reconnect each
 *   trigger a catch-up read from the store.
 * - Nor does deletion: every read and commit names the document's incarnation, and a copy of one
 *   that is gone (deleted, perhaps written again, while the `deleted` message was lost) is dropped
 *   here as the message would have dropped it. Its rows are numbered from 1 again, so the copy would
 *   otherwise take them for rows it holds.
 */
import createDebug from 'debug';
import { randomBytes } from 'node:crypto';
import * as Y from 'yjs';
import { isOwnersDocumentName } from '../core/client-id-owners.js';
import type { QuireDocument } from '../core/document.js';
import { peerOrigin } from '../core/origins.js';
import type { CommittedRows, PostgresStore } from '../persistence/postgres-store.js';
import type { DocumentStore, StoredDocumentInfo } from '../persistence/types.js';
import { AwarenessRelay } from './awareness-relay.js';
import { type BusMessage, decodeBusMessage, encodeBusMessage } from './bus-messages.js';
import type { CatchUpReason, ClusterObserver } from './cluster-observer.js';
import { NodeLiveness, type NodeLivenessOptions } from './node-liveness.js';
import type { RedisBus } from './redis-bus.js';
import { SequenceTracker } from './sequence-tracker.js';

const debug = createDebug('quire:cluster:node');
/** Bus messages kept per document while it loads; beyond, the gap repair and head checks catch up. */
const MAX_EARLY_MESSAGES = 1000;

/** What the node needs of the server: its loaded documents. */
export interface LoadedDocuments {
  peek(name: string): Promise<QuireDocument | null>;
  isLoaded(name: string): boolean;
  /** Disconnects the document's clients here and drops its copy in memory (deleted elsewhere). */
  drop(name: string): Promise<void>;
}

export interface ClusterNodeOptions {
  nodeId: string;
  store: PostgresStore;
  bus: RedisBus | null;
  observer?: ClusterObserver;
  /** How often the heads of all open documents are compared with the store. Default 1 s. */
  headCheckIntervalMs?: number;
  /** How long a sequence gap may stay open before a catch-up read. Default 200 ms. */
  gapGraceMs?: number;
  /** Heartbeats by which nodes find a dead peer and drop its clients' presence. */
  liveness?: NodeLivenessOptions;
}

export class ClusterNode {
  readonly nodeId: string;
  /**
   * This process as the bus knows it: the node id and a random suffix, so a node restarted under
   * the same id is never taken for the one that died (whose presence must go).
   */
  readonly busId: string;
  private readonly liveness: NodeLiveness | null;
  private readonly trackers = new Map<string, SequenceTracker>();
  /** Documents being loaded → bus messages that arrived meanwhile, dispatched once the load has its head. */
  private readonly loading = new Map<string, Uint8Array[]>();
  private readonly awareness: AwarenessRelay;
  private readonly headTimer: NodeJS.Timeout;
  private readonly gapGraceMs: number;
  private documents: LoadedDocuments | null = null;
  private headCheckRunning = false;
  private closed = false;

  constructor(private readonly options: ClusterNodeOptions) {
    this.nodeId = options.nodeId;
    this.busId = `${options.nodeId}~${randomBytes(3).toString('hex')}`;
    this.gapGraceMs = options.gapGraceMs ?? 200;
    this.store = {
      load: (name) => this.load(name),
      has: (name) => this.options.store.has(name),
      append: (name, update) => this.options.store.append(name, update),
      delete: async (name) => {
        await this.options.store.delete(name);
        // The nodes that hold it drop their copies, as this node's server did before deleting.
        this.publish(name, { kind: 'deleted', node: this.busId, docName: name, sentAt: Date.now() });
      },
      list: (): Promise<StoredDocumentInfo[]> => this.options.store.list(),
      // Claims are decided by the shared store, so they hold on every node; versions live there too.
      clientIdOwners: options.store.clientIdOwners,
      versions: options.store.versions,
      health: () => this.options.store.health(),
      close: async () => {
        await this.options.store.close();
        await this.close();
      },
    };
    this.awareness = new AwarenessRelay(this.busId, (docName, message, onLost) => this.publish(docName, message, onLost));
    const bus = options.bus;
    this.liveness =
      bus === null
        ? null
        : new NodeLiveness(
            this.busId,
            bus,
            () => this.awareness.peers(),
            (node) => {
              const states = this.awareness.removePeer(node);
              options.observer?.peerGone?.({ node, states });
            },
            () => this.backOnBus(),
            options.liveness,
          );
    options.store.onCommit((rows) => this.committedHere(rows));
    options.bus?.onMessage((bytes) => this.received(bytes));
    options.bus?.onReconnect(() => this.backOnBus());
    options.bus?.onConnectionChange((up) => options.observer?.busConnection?.({ up }));
    this.headTimer = setInterval(() => void this.checkHeads(), options.headCheckIntervalMs ?? 1000);
    this.headTimer.unref();
  }

  /** Back on the bus after a reconnect, or after a silence (a partition) longer than the heartbeats' life. */
  private backOnBus(): void {
    for (const name of this.trackers.keys()) this.catchUp(name, 'reconnect');
    // Others may have taken this node for dead meanwhile and dropped its clients' presence.
    this.awareness.republish();
  }

  /** The store the server uses: the shared store, with subscribe-then-load on every load. */
  readonly store: DocumentStore;

  /** Binds the server's registry, once it exists. */
  attach(documents: LoadedDocuments): void {
    this.documents = documents;
  }

  /** Called when the server loaded a document (observer hook). */
  documentLoaded(name: string): void {
    void this.documents?.peek(name).then((doc) => {
      if (doc !== null && this.trackers.has(name)) this.awareness.watch(doc);
    });
  }

  /** Called when the server unloaded a document (observer hook). */
  documentUnloaded(name: string): void {
    if (this.loading.has(name)) return;
    this.forget(name);
  }

  /** Open documents this node follows (tests, metrics). */
  get followedDocuments(): number {
    return this.trackers.size;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.headTimer);
    for (const name of [...this.trackers.keys()]) this.forget(name);
    await this.liveness?.close();
    await this.options.bus?.close();
  }

  private async load(name: string): Promise<Uint8Array[]> {
    // A document's client-id owners are read with it but followed by no one: not a document.
    if (isOwnersDocumentName(name)) return this.options.store.load(name);
    const early: Uint8Array[] = [];
    this.loading.set(name, early);
    try {
      this.trackers.get(name)?.dispose();
      // Subscribe before reading: anything committed after the read's snapshot is on the bus.
      await this.options.bus?.subscribe(name);
      const state = await this.options.store.loadState(name);
      this.trackers.set(name, new SequenceTracker(state.headSeq, state.incarnation));
      // What arrived while the read was on its way: duplicates up to the head, the rest applied
      // (after the document is made of this read) instead of waiting for a head check.
      this.loading.delete(name);
      for (const bytes of early) this.received(bytes);
      return state.updates;
    } finally {
      if (this.loading.get(name) === early) this.loading.delete(name);
    }
  }

  private forget(name: string): void {
    const tracker = this.trackers.get(name);
    if (tracker === undefined) return;
    tracker.dispose();
    this.trackers.delete(name);
    this.awareness.unwatch(name);
    this.options.bus?.unsubscribe(name);
  }

  private committedHere(rows: CommittedRows[]): void {
    for (const row of rows) {
      this.publish(row.docName, {
        kind: 'update',
        node: this.busId,
        docName: row.docName,
        sentAt: Date.now(),
        firstSeq: row.firstSeq,
        updates: row.updates,
        incarnation: row.incarnation,
      });
      const tracker = this.trackers.get(row.docName);
      if (tracker !== undefined && this.incarnationHolds(row.docName, tracker, tracker.incarnation, row.incarnation)) {
        tracker.mark(row.firstSeq, row.firstSeq + row.updates.length - 1);
      }
    }
  }

  /**
   * Whether the document this node holds is still the stored one, judged by an incarnation read or
   * committed after `knownBefore` was known (null: none known yet, so this one is adopted). When it
   * is not, the copy here is dropped.
   */
  private incarnationHolds(name: string, tracker: SequenceTracker, knownBefore: string | null, seen: string | null): boolean {
    if (knownBefore === null) {
      tracker.incarnation ??= seen;
      return true;
    }
    if (seen === knownBefore) return true;
    this.dropStale(name, seen === null ? 'deleted' : 'deleted and written again');
    return false;
  }

  /** Drops this node's copy of a document that was deleted elsewhere; its clients reconnect to a fresh load. */
  private dropStale(name: string, what: string): void {
    debug('%s was %s elsewhere: dropping it here', name, what);
    this.forget(name);
    void this.documents?.drop(name).catch((error: unknown) => debug('dropping %s failed: %O', name, error));
  }

  private publish(docName: string, message: BusMessage, onLost?: () => void): void {
    if (!this.closed) this.options.bus?.publish(docName, encodeBusMessage(message), onLost);
  }

  private received(bytes: Uint8Array): void {
    const message = decodeBusMessage(bytes);
    if (message === null) return debug('dropped a malformed bus message');
    if (message.node === this.busId) return;
    this.options.observer?.busMessage?.({ kind: message.kind, lagMs: Math.max(0, Date.now() - message.sentAt) });
    const tracker = this.trackers.get(message.docName);
    if (tracker === undefined) {
      const early = this.loading.get(message.docName);
      if (early !== undefined && early.length < MAX_EARLY_MESSAGES) early.push(bytes);
      return;
    }
    if (message.kind === 'deleted') return this.dropStale(message.docName, `deleted by ${message.node}`);
    void this.whenLoaded(message.docName, tracker).then((doc) => {
      if (doc === null) return;
      if (message.kind === 'awareness') return this.awareness.apply(doc, message.awareness, message.node);
      const lastSeq = message.firstSeq + message.updates.length - 1;
      if (lastSeq <= tracker.knownSeq) return;
      // Rows of another incarnation: a late message of a deleted one, or this copy is the deleted
      // one. The store tells which (and drops this copy in the second case).
      if (message.incarnation !== undefined && tracker.incarnation !== null && message.incarnation !== tracker.incarnation)
        return this.catchUp(message.docName, 'gap');
      if (!applyPeerUpdates(doc, message.updates, message.node)) return this.catchUp(message.docName, 'gap');
      tracker.mark(message.firstSeq, lastSeq);
      if (tracker.hasGap) this.scheduleGapRepair(message.docName, tracker);
    });
  }

  /** The loaded document, once its load finished; null when it is gone or was reloaded since. */
  private async whenLoaded(name: string, tracker: SequenceTracker | null): Promise<QuireDocument | null> {
    const doc = (await this.documents?.peek(name)) ?? null;
    if (doc === null) return null;
    const current = this.trackers.get(name);
    return current !== undefined && (tracker === null || current === tracker) ? doc : null;
  }

  private scheduleGapRepair(name: string, tracker: SequenceTracker): void {
    if (tracker.gapTimer !== null) return;
    tracker.gapTimer = setTimeout(() => {
      tracker.gapTimer = null;
      if (tracker.hasGap && this.trackers.get(name) === tracker) this.catchUp(name, 'gap');
    }, this.gapGraceMs);
    tracker.gapTimer.unref();
  }

  /** Reads what this node lacks of a document from the store and applies it (one at a time per document). */
  private catchUp(name: string, reason: CatchUpReason): void {
    const tracker = this.trackers.get(name);
    if (tracker === undefined || this.closed) return;
    if (tracker.catchingUp) {
      tracker.catchUpAgain = true;
      return;
    }
    tracker.catchingUp = true;
    void (async () => {
      try {
        do {
          tracker.catchUpAgain = false;
          const since = tracker.knownSeq;
          const knownIncarnation = tracker.incarnation;
          const heldAbove = tracker.heldAbove();
          const state = await this.options.store.readSince(name, since);
          const doc = await this.whenLoaded(name, tracker);
          if (doc === null || !this.incarnationHolds(name, tracker, knownIncarnation, state.incarnation)) return;
          const stale = tracker.forgetStale(heldAbove, state.headSeq);
          if (stale > 0) debug('%s: %d row(s) a late message named belong to a deleted incarnation', name, stale);
          applyPeerUpdates(doc, state.updates, 'store');
          const repairedRows = tracker.markThrough(state.headSeq);
          if (repairedRows > 0) debug('%s: repaired rows %d..%d from the store (%s)', name, since + 1, state.headSeq, reason);
          this.options.observer?.catchUp?.({ docName: name, reason, repairedRows });
        } while (tracker.catchUpAgain && !this.closed);
      } catch (error) {
        debug('catch-up of %s failed: %O', name, error);
        this.options.observer?.repairFailed?.({ docName: name, cause: error });
      } finally {
        tracker.catchingUp = false;
      }
    })();
  }

  /**
   * One query for the heads of every open document. A row the previous check already saw committed
   * and that still has not arrived is not on its way any more: catch up.
   */
  private async checkHeads(): Promise<void> {
    if (this.headCheckRunning || this.closed || this.trackers.size === 0) return this.sweep();
    this.headCheckRunning = true;
    try {
      const known = new Map([...this.trackers].map(([name, tracker]) => [name, { tracker, incarnation: tracker.incarnation }]));
      const heads = await this.options.store.readHeads([...known.keys()]);
      for (const [name, before] of known) {
        const tracker = this.trackers.get(name);
        // A tracker that came after the read is judged by the next check.
        if (tracker !== before.tracker) continue;
        const stored = heads.get(name);
        if (!this.incarnationHolds(name, tracker, before.incarnation, stored?.incarnation ?? null)) continue;
        const head = stored?.headSeq ?? 0;
        const overdue = this.options.bus === null ? head : tracker.headAtLastCheck;
        if (overdue > tracker.knownSeq) this.catchUp(name, 'head-check');
        tracker.headAtLastCheck = head;
      }
    } catch (error) {
      this.options.observer?.repairFailed?.({ docName: null, cause: error });
    } finally {
      this.headCheckRunning = false;
      this.sweep();
    }
  }

  /** Drops what a load left behind when no document came of it (a failed load, a plain read). */
  private sweep(): void {
    if (this.documents === null) return;
    for (const name of [...this.trackers.keys()]) {
      if (!this.loading.has(name) && !this.documents.isLoaded(name)) this.forget(name);
    }
  }
}

/** Applies committed updates of other nodes; false when one could not be applied. */
function applyPeerUpdates(doc: QuireDocument, updates: readonly Uint8Array[], node: string): boolean {
  try {
    Y.transact(
      doc.ydoc,
      () => {
        for (const update of updates) Y.applyUpdate(doc.ydoc, update, peerOrigin(node));
      },
      peerOrigin(node),
    );
    return true;
  } catch (error) {
    debug('an update committed by %s could not be applied to %s: %O', node, doc.name, error);
    return false;
  }
}
