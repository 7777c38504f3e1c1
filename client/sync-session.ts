/**
 * The client side of the sync protocol for one document, independent of the transport (the
 * provider runs it over Socket.io, the simulation over an in-memory transport).
 *
 * The acknowledgement rule: every local update enters the pending queue; each message carries a
 * batch of entries (or, after a handshake, a step 2 covering all of them); the server's ack of a
 * message removes exactly its entries. A refused message's entries stay, and the RefusalPolicy
 * (refusal-policy.ts) decides when they are sent again. So 'saved' (nothing pending) is only ever
 * reached through acks, and the server acks only what it stored and can serve.
 */
import createDebug from 'debug';
import * as Y from 'yjs';
import type { Ack } from '../shared/ack.js';
import { ErrorCodes, type ErrorInfo, errorInfo } from '../shared/errors.js';
import type { SyncLimits, SyncStep1Reply } from '../shared/events.js';
import { encodeIntegratedDiff } from '../shared/integrated-diff.js';
import { mergeMany } from '../shared/merge-updates.js';
import { MIN_PART_BYTES } from '../shared/protocol/parts.js';
import { decodeSyncFrame, encodeSyncFrame } from '../shared/protocol/sync.js';
import { toBytes } from './binary.js';
import { ClientIdMoves } from './client-id-moves.js';
import { uploadInParts } from './part-upload.js';
import { type PendingEntry, PendingQueue } from './pending-queue.js';
import { RefusalPolicy, type RefusalPolicyOptions } from './refusal-policy.js';
import { type SyncSessionListener, type SyncTransport, type Timers, type UpdateRefusal, realTimers } from './session-types.js';

const debug = createDebug('quire:client:sync');

export interface SyncSessionOptions extends RefusalPolicyOptions {
  timers?: Timers;
}

/** Before a server told its limits (an older server): one message per update, no cap. */
const unknownLimits: SyncLimits = { partBytes: Number.POSITIVE_INFINITY, maxAssembledUpdateBytes: Number.POSITIVE_INFINITY };

export class SyncSession {
  readonly pending = new PendingQueue();
  /** Edits moved off client ids the server said are another session's. */
  readonly moves = new ClientIdMoves();
  /** Client ids this provider wrote under (its document's, its restored queue's): the edits it may move. */
  private readonly authored = new Set<number>();
  synced = false;
  access: 'write' | 'read' | null = null;

  private transport: SyncTransport | null = null;
  /** Increases with every connection, so answers meant for an old one are ignored. */
  private epoch = 0;
  private limits = unknownLimits;
  /** Lowered when a connection closed over a message too large for it (a proxy's limit, say). */
  private partBytesCap = Number.POSITIVE_INFINITY;
  private sendScheduled = false;
  private readonly policy: RefusalPolicy;
  private uploading = false;
  private nextUploadId = 1;
  /** Sizes of messages awaiting an answer, to tell which one a connection closed over. */
  private readonly inFlight = new Map<number, number>();
  private nextMessage = 1;
  private readonly interrupts = new Set<() => void>();
  private readonly timers: Timers;

  constructor(
    readonly doc: Y.Doc,
    /** Transaction origin of what the server sends (so it is not taken for a local edit). */
    private readonly origin: unknown,
    private readonly listener: SyncSessionListener,
    options: SyncSessionOptions = {},
  ) {
    this.timers = options.timers ?? realTimers;
    this.policy = new RefusalPolicy(this.timers, options, {
      epoch: () => this.epoch,
      resync: () => this.handshake(),
      resend: () => this.scheduleSend(),
      refused: (refusal) => this.listener.updateRefused(refusal),
    });
  }

  /** The update refusal in force, if any. */
  get refused(): UpdateRefusal | null {
    return this.policy.refused;
  }

  /** A connection is up: start the handshake on it. */
  connectionOpened(transport: SyncTransport): void {
    this.transport = transport;
    this.epoch++;
    this.handshake();
  }

  /**
   * The connection is gone; whatever was in flight is sent again on the next one. `tooLarge`: the
   * transport closed because a message exceeded its limit.
   */
  connectionLost(tooLarge = false): ErrorInfo | null {
    // Not Math.max(...values): a fast writer can have 100,000s of messages in flight, and spreading
    // that many arguments overflows the stack.
    let largest = 0;
    for (const bytes of this.inFlight.values()) largest = Math.max(largest, bytes);
    this.transport = null;
    this.epoch++;
    this.pending.resetSent();
    this.inFlight.clear();
    for (const interrupt of [...this.interrupts]) interrupt();
    this.uploading = false;
    this.policy.connectionLost();
    this.setSynced(false);
    // Small messages are never the cause: only a provider that had a large one in flight adapts.
    if (!tooLarge || largest <= MIN_PART_BYTES) return null;
    this.partBytesCap = Math.max(MIN_PART_BYTES, Math.floor(largest / 2));
    debug('the connection closed over a %d-byte message: parts of at most %d bytes from now on', largest, this.partBytesCap);
    return errorInfo(ErrorCodes.MESSAGE_TOO_LARGE);
  }

  /** A restored entry of the offline store's queue. */
  restore(update: Uint8Array, restoredFrom: PendingEntry['restoredFrom']): void {
    try {
      for (const id of Y.parseUpdateMeta(update).from.keys()) this.authored.add(id);
    } catch {
      // Unreadable: the server refuses it as malformed; nothing to move.
    }
    this.pending.push(update, restoredFrom);
  }

  /** A local edit: queued before anything is sent. */
  localUpdate(update: Uint8Array): PendingEntry {
    this.authored.add(this.doc.clientID);
    const entry = this.pending.push(this.moves.outgoing(this.doc, update));
    this.emitPending();
    // The edit may have made the refused content small enough (an undone paste): try again.
    if (this.policy.refused !== null && this.synced && !this.policy.retryScheduled) this.policy.retry(() => this.handshake());
    this.scheduleSend();
    return entry;
  }

  /** Others' changes, from the server. */
  remoteUpdate(frame: Uint8Array): void {
    try {
      Y.applyUpdate(this.doc, decodeSyncFrame(toBytes(frame)).payload, this.origin);
    } catch (error) {
      debug('ignoring a malformed update from the server: %O', error);
    }
  }

  destroy(): void {
    this.connectionLost();
  }

  emitPending(): void {
    this.listener.pending({ count: this.pending.count, bytes: this.pending.bytes });
    if (this.pending.count === 0 && this.synced) this.listener.saved();
  }

  private get partBytes(): number {
    return Math.min(this.limits.partBytes, this.partBytesCap);
  }

  private handshake(): void {
    const transport = this.transport;
    if (transport === null) return;
    // A frame in parts is on its way; a step 2 sent in parts now would abandon it on the server.
    if (this.uploading) return this.policy.retry(() => this.handshake());
    const epoch = this.epoch;
    transport.syncStep1(encodeSyncFrame('step1', Y.encodeStateVector(this.doc)), (reply) => {
      if (epoch !== this.epoch) return;
      try {
        this.onSyncReply(reply);
      } catch (error) {
        // A reply we cannot read must not throw into the transport; ask again later.
        debug('unreadable handshake reply: %O', error);
        this.policy.retry(() => this.handshake());
      }
    });
  }

  private onSyncReply(reply: Ack<SyncStep1Reply>): void {
    if (!reply.ok) {
      this.listener.notice({ code: reply.code, message: reply.message });
      // The server could not load the document: ask again later, on the same connection.
      this.policy.retry(() => this.handshake());
      return;
    }
    this.policy.accepted();
    Y.applyUpdate(this.doc, decodeSyncFrame(toBytes(reply.step2)).payload, this.origin);
    this.access = reply.access;
    this.limits = readLimits(reply.limits);
    this.policy.synced();
    if (reply.access === 'write') this.sendStep2(decodeSyncFrame(toBytes(reply.step1)).payload);
    this.setSynced(true);
    this.scheduleSend();
  }

  /**
   * Sends what the server lacks. Its ack means everything the server holds of the document is
   * durable, so it covers every entry queued so far, including those the server got before but
   * whose ack the connection lost.
   */
  private sendStep2(serverStateVector: Uint8Array): void {
    const serverState = this.moves.serverState(serverStateVector);
    const missing = this.moves.outgoing(this.doc, encodeIntegratedDiff(this.doc, serverState));
    if (this.pending.count === 0 && missing.byteLength <= 2) return;
    const cap = this.limits.maxAssembledUpdateBytes;
    let frame = encodeSyncFrame('step2', missing);
    // Deleted content can be left out (an undone paste that an undo manager still keeps).
    if (frame.byteLength > cap)
      frame = encodeSyncFrame('step2', this.moves.outgoing(this.doc, withoutDeletedContent(this.doc, serverState)));
    // Still too large for one update: the entries go in batches of at most the cap instead.
    if (frame.byteLength > cap) return;
    this.sendBatch(frame, this.pending.sendAll(), true);
  }

  private scheduleSend(): void {
    if (this.sendScheduled) return;
    this.sendScheduled = true;
    // Everything queued within one turn goes in one message.
    queueMicrotask(() => {
      this.sendScheduled = false;
      this.sendUnsent();
    });
  }

  private sendUnsent(): void {
    if (this.synced && this.access === 'read' && this.pending.unsent().length > 0) {
      // Local edits on a read-only connection stay local; say so once per batch.
      this.listener.notice(errorInfo(ErrorCodes.READ_ONLY, 'This connection is read-only; local edits are not sent.'));
    }
    if (!this.synced || this.access !== 'write' || this.transport === null) return;
    while (!this.policy.holding && !this.uploading) {
      const batch = this.nextBatch();
      if (batch === null) return;
      this.sendBatch(batch.frame, this.pending.send(batch.entries), false);
    }
  }

  /** The oldest unsent entries that fit in one update, merged; null when there are none or they cannot be sent. */
  private nextBatch(): { frame: Uint8Array; entries: PendingEntry[] } | null {
    const unsent = this.pending.unsent();
    if (unsent.length === 0) return null;
    const cap = this.limits.maxAssembledUpdateBytes;
    let end = 0;
    let bytes = 0;
    while (end < unsent.length && bytes + unsent[end]!.update.byteLength <= cap) bytes += unsent[end++]!.update.byteLength;
    for (; end > 0; end = Math.floor(end / 2)) {
      const entries = unsent.slice(0, end);
      const frame = encodeSyncFrame('update', mergeMany(entries.map((entry) => entry.update)));
      if (frame.byteLength <= cap) return { frame, entries };
    }
    // Later edits build on this one, so they wait with it.
    this.policy.refuse({ ...errorInfo(ErrorCodes.UPDATE_TOO_LARGE), bytes: unsent[0]!.update.byteLength });
    return null;
  }

  private sendBatch(frame: Uint8Array, batch: number, isStep2: boolean): void {
    const transport = this.transport;
    if (transport === null) return;
    const epoch = this.epoch;
    const answered = (answer: Ack) => {
      if (epoch === this.epoch) this.onBatchAnswer(answer, batch, frame, isStep2);
    };
    if (frame.byteLength <= this.partBytes) {
      const message = this.track(frame.byteLength);
      transport.update(frame, (answer) => {
        this.inFlight.delete(message);
        answered(answer);
      });
      return;
    }
    // Later batches wait: they build on this one, and would arrive before it is assembled.
    this.uploading = true;
    void uploadInParts(transport, this.nextUploadId++, frame, this.partBytes, {
      request: (start, bytes) => this.interruptible(start, bytes),
      pause: () => this.pauseUpload(),
      onRateLimited: (answer) => !answer.ok && this.listener.notice({ code: answer.code, message: answer.message }),
    }).then((answer) => {
      if (epoch !== this.epoch) return;
      this.uploading = false;
      if (answer !== null) answered(answer);
      this.scheduleSend();
    });
  }

  /** Waits before a rate-limited part is sent again; false when the connection is lost meanwhile. */
  private async pauseUpload(): Promise<boolean> {
    let timer: unknown = null;
    const resumed = await this.interruptible<boolean>(
      (resolve) => (timer = this.timers.set(() => resolve(true), this.policy.nextDelay())),
      0,
    );
    if (resumed === null) this.timers.clear(timer);
    return resumed === true;
  }

  private onBatchAnswer(answer: Ack, batch: number, frame: Uint8Array, isStep2: boolean): void {
    if (answer.ok) {
      this.policy.accepted();
      const removed = this.pending.acknowledge(batch);
      if (removed.length === 0) return;
      this.listener.acknowledged(removed);
      this.emitPending();
      return;
    }
    this.pending.refuse(batch);
    this.listener.notice({ code: answer.code, message: answer.message });
    if (answer.code === ErrorCodes.CLIENT_ID_TAKEN) {
      this.moveOffTakenIds(frame, answer.clientIds ?? [], isStep2);
      return;
    }
    this.policy.messageRefused(answer, frame.byteLength, isStep2);
  }

  /**
   * The server refused a frame because it writes under client ids another session owns: those
   * edits move to a fresh id (client-id-moves.ts), the queue's entries are rewritten to leave them
   * out and refer to the copies, the copies are queued, and all of it is sent. Nothing is lost; the abandoned ranges are never
   * offered again. Taken ids we never wrote under are other writers' content we relayed (after the
   * server lost the document, its owner claimed the id again): left to the owner, not moved. A
   * refused step 2 also carried what the server lacks beyond the queue (our acknowledged edits it
   * lost, say): the handshake is asked again, so its step 2 offers that without the abandoned ranges.
   */
  private moveOffTakenIds(frame: Uint8Array, taken: readonly number[], isStep2: boolean): void {
    const ours = taken.filter((id) => this.authored.has(id) || this.moves.fresh.includes(id) || id === this.doc.clientID);
    const leftOut = this.moves.leaveToOwners(
      this.doc,
      taken.filter((id) => !ours.includes(id)),
    );
    const copies = this.moves.moveOff(this.doc, frame, ours, this.origin);
    const removed = this.pending.removeAll();
    // Entry by entry, not merged: one merged entry could exceed the per-update cap for good.
    const rewritten = [...removed.map((entry) => this.moves.rest(this.doc, entry.update)), ...copies].map((update) =>
      this.pending.push(update),
    );
    // The offline store swaps the old records for the new ones.
    this.listener.acknowledged(removed);
    for (const entry of rewritten) this.listener.queued(entry);
    this.emitPending();
    // What leaves nothing more out would be refused the same way (a server naming ids we cannot
    // leave out): it goes again after a pause, not in a storm of refusals.
    const resend = isStep2 ? () => this.handshake() : () => this.scheduleSend();
    if (leftOut || copies.length > 0) resend();
    else this.policy.retry(resend);
  }

  /** Runs a request whose answer may never come (the connection drops): resolves null then. */
  private interruptible<T>(start: (resolve: (value: T) => void) => void, bytes: number): Promise<T | null> {
    return new Promise((resolve) => {
      const message = bytes > 0 ? this.track(bytes) : 0;
      const interrupt = () => finish(null);
      const finish = (value: T | null) => {
        this.interrupts.delete(interrupt);
        this.inFlight.delete(message);
        resolve(value);
      };
      this.interrupts.add(interrupt);
      start((value) => finish(value));
    });
  }

  private track(bytes: number): number {
    const message = this.nextMessage++;
    this.inFlight.set(message, bytes);
    return message;
  }

  private setSynced(synced: boolean): void {
    if (this.synced === synced) return;
    this.synced = synced;
    this.listener.synced(synced);
  }
}

function readLimits(limits: unknown): SyncLimits {
  const { partBytes, maxAssembledUpdateBytes } = (limits ?? {}) as Partial<SyncLimits>;
  const valid = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
  return {
    partBytes: valid(partBytes) ? partBytes : unknownLimits.partBytes,
    maxAssembledUpdateBytes: valid(maxAssembledUpdateBytes) ? maxAssembledUpdateBytes : unknownLimits.maxAssembledUpdateBytes,
  };
}

/**
 * The same diff, with deleted items' content dropped, as a garbage-collecting replica would send
 * it. Undo managers keep deleted content for redo, so an undone paste can still weigh megabytes.
 */
function withoutDeletedContent(doc: Y.Doc, serverStateVector: Uint8Array): Uint8Array {
  const copy = new Y.Doc({ gc: true });
  try {
    Y.applyUpdate(copy, encodeIntegratedDiff(doc, new Uint8Array([0])));
    return Y.encodeStateAsUpdate(copy, serverStateVector);
  } finally {
    copy.destroy();
  }
}
