/**
 * A loaded document: its Y.Doc and Awareness, the connections' contributions to them, what goes
 * to the store and what goes out to the other connections.
 */
import createDebug from 'debug';
import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';
import type * as awarenessProtocol from 'y-protocols/awareness';
import { ErrorCodes, QuireError } from '../../shared/errors.js';
import { encodeSyncFrame } from '../../shared/protocol/sync.js';
import type { DocumentStore } from '../persistence/types.js';
import { type ClientIdWriter, ClientIdOwners, type StoredOwners, writerKeysOf } from './client-id-owners.js';
import { DurableRelay } from './durable-relay.js';
import { DurableWriter } from './durable-writer.js';
import { DocumentPresence, type PresenceLimits } from './document-presence.js';
import { MAX_NESTING_DEPTH, nestsTooDeep } from './nesting-depth.js';
import { type DocumentChannel, fanOut } from './fan-out.js';
import {
  type ConnectionRef,
  type UpdateOrigin,
  connectionOrigin,
  isFromPeer,
  isFromPersistence,
  localOrigin,
  persistenceOrigin,
  senderOf,
} from './origins.js';
import { type HeldBackParts, heldBackDiffers, heldBackParts, holdsBack } from './held-back.js';
import { serverYDoc } from './server-ydoc.js';
import { type Contribution, TurnBuffer } from './turn-buffer.js';
import { type TurnUpdate, describeDocUpdate, mergeTurn } from './turn-merge.js';
import { type UpdateInspection, fullyIntegrated, inspectUpdate } from './update-validation.js';

const debug = createDebug('quire:server:document');

export interface DocumentLimits extends PresenceLimits {
  /** State-vector entries a client may send beyond the writers the document knows. */
  maxExtraStateVectorEntries: number;
}

export const defaultDocumentLimits: DocumentLimits = {
  maxAwarenessIdsPerConnection: 4,
  maxAwarenessEntries: 16,
  maxExtraStateVectorEntries: 1_000,
};

interface EncodedState {
  /** Step 2 frame with the whole document, shared by every joiner that has nothing yet. */
  fullStep2: Uint8Array;
  step1: Uint8Array;
}

export interface SyncReply {
  step2: Uint8Array;
  step1: Uint8Array;
}

export class QuireDocument {
  readonly ydoc: Y.Doc;
  private readonly presence: DocumentPresence;
  private readonly writer: DurableWriter;
  private readonly clientIds: ClientIdOwners;
  private readonly outgoingUpdates: TurnBuffer<TurnUpdate>;
  /** A turn's updates wait here until they are durable: nobody receives what a crash could take back. */
  private readonly durableUpdates: DurableRelay<Contribution<TurnUpdate>[]>;
  private encodedState: EncodedState | null = null;
  /**
   * The held-back parts while a client update applies over some: if the update integrates any of
   * them, the result goes to its sender too. Null otherwise.
   */
  private heldBackBefore: HeldBackParts | null = null;
  /**
   * Client updates waiting for a shared store's answer about client ids, and those behind them:
   * they apply in the order they arrived, as they would without the wait.
   */
  private ownerQuestions: Promise<void> = Promise.resolve();
  private waitingForOwners = 0;
  /** Closed by a forced unload: nothing more is applied (it would be acknowledged but lost). */
  private closed = false;
  /** Left mid-transaction by Yjs (see `applyUpdate`): its state may hold what was never stored. */
  private broken = false;
  private destroyed = false;
  /** Stored bytes at load plus bytes applied since: the load ceiling's measure of this document. */
  encodedBytes = 0;
  /** Withdraws this copy as the store's source of snapshots (see `provideLiveSnapshots`). */
  private readonly withdrawLiveSnapshots: () => void;

  constructor(
    readonly name: string,
    store: DocumentStore,
    private readonly channel: DocumentChannel,
    private readonly limits: DocumentLimits = defaultDocumentLimits,
    /** Called once if the Y.Doc is left unusable (see `applyUpdate`): the owner unloads it. */
    private readonly onBroken: () => void = () => {},
  ) {
    this.ydoc = serverYDoc(name);
    this.writer = new DurableWriter(name, store, () => Y.encodeStateAsUpdate(this.ydoc));
    this.presence = new DocumentPresence(this.ydoc, channel, limits);
    this.clientIds = new ClientIdOwners(name, store);
    this.clientIds.reserveForServer(this.ydoc.clientID);
    this.durableUpdates = new DurableRelay(
      async () => {
        await Promise.all([this.writer.whenDurable(), this.clientIds.whenDurable()]);
      },
      // The turns one write made durable go out together: one message per receiver per write.
      (turns: Contribution<TurnUpdate>[][]) =>
        fanOut(turns.flat(), (updates) => encodeSyncFrame('update', mergeTurn(updates)), 'update', channel),
    );
    this.outgoingUpdates = new TurnBuffer((items) => this.durableUpdates.push(items));
    this.ydoc.on('update', this.onDocUpdate);
    // Every change is appended in the turn it is applied (onDocUpdate), so the Y.Doc covers every
    // append: the store may compact from it. Not once broken: it may hold a half-applied update
    // that was never stored.
    this.withdrawLiveSnapshots =
      store.provideLiveSnapshots?.(name, () =>
        this.broken || this.destroyed ? null : { update: Y.encodeStateAsUpdate(this.ydoc), clockOf: this.clockOf },
      ) ?? (() => {});
  }

  /** The document's presence states (created with the first presence: most documents never see any). */
  get awareness(): awarenessProtocol.Awareness {
    return this.presence.awareness;
  }

  /** Applies what the store holds; nothing is written back or broadcast. */
  applyStored(updates: readonly Uint8Array[]): void {
    // A new document: an empty transaction would cost ~20 µs and change nothing.
    if (updates.length === 0) return;
    Y.transact(
      this.ydoc,
      () => {
        for (const update of updates) Y.applyUpdate(this.ydoc, update, persistenceOrigin);
      },
      persistenceOrigin,
    );
    for (const update of updates) this.encodedBytes += update.byteLength;
    // A compacted document is stored as one snapshot holding its whole state: hand those bytes to
    // joiners that have nothing, instead of encoding the same state again (a restart's first
    // joiners wait for that encode). Any change invalidates it like every cached encoding.
    const [snapshot] = updates;
    if (updates.length === 1 && snapshot !== undefined) {
      this.encodedState = {
        fullStep2: encodeSyncFrame('step2', snapshot),
        step1: encodeSyncFrame('step1', Y.encodeStateVector(this.ydoc)),
      };
    }
  }

  /** The answer to a client's step 1: what it lacks, and our state vector. */
  syncReply(clientStateVector: Uint8Array): SyncReply {
    this.assertOpen();
    let decoded: Map<number, number>;
    try {
      // Security: a state vector is read into a Map and diffed against the document; one with
      // millions of entries stalls every document on the server. A client knows the writers the
      // document knows, plus a few of its own (offline edits, shared offline stores).
      const entries = decoding.readVarUint(decoding.createDecoder(clientStateVector));
      if (entries > this.ydoc.store.clients.size + this.limits.maxExtraStateVectorEntries) {
        throw new QuireError(ErrorCodes.STATE_VECTOR_TOO_LARGE);
      }
      decoded = Y.decodeStateVector(clientStateVector);
    } catch (error) {
      if (error instanceof QuireError) throw error;
      throw new QuireError(ErrorCodes.MALFORMED_UPDATE, 'The state vector could not be decoded.');
    }
    const state = this.currentEncodedState();
    if (decoded.size === 0) return { step2: state.fullStep2, step1: state.step1 };
    const diff = Y.encodeStateAsUpdate(this.ydoc, clientStateVector);
    return { step2: encodeSyncFrame('step2', diff), step1: state.step1 };
  }

  /**
   * Applies a client's update and resolves once everything it contributed is durable and readable.
   * Throws a QuireError: MALFORMED_UPDATE instead of applying bad bytes, STORE_FAILED when the
   * write failed, MISSING_DEPENDENCIES when part of it builds on changes the server lacks (that
   * part is stored, held back until they arrive, and not acknowledged).
   */
  async applyClientUpdate(connection: ConnectionRef, update: Uint8Array): Promise<void> {
    if (connection.access !== 'write') throw new QuireError(ErrorCodes.READ_ONLY);
    const writer = { keys: writerKeysOf(connection), ownClientIds: connection.ownClientIds };
    await this.applyUpdate(update, connectionOrigin(connection), connection.id, writer);
  }

  /** Applies the stored client-id owners (see client-id-owners.ts). */
  applyStoredOwners(stored: StoredOwners): void {
    this.clientIds.applyStored(stored);
  }

  /**
   * Applies an update made on the server's behalf (the admin API): reaches every connection and
   * the store like a client's, and resolves once it is durable. Throws MALFORMED_UPDATE on bad bytes.
   */
  async applyServerUpdate(update: Uint8Array): Promise<void> {
    await this.applyUpdate(update, localOrigin, 'server');
  }

  /** `writer`: check client-id ownership for this writer (clients); absent for the server's own. */
  private async applyUpdate(update: Uint8Array, origin: UpdateOrigin, by: string, writer?: ClientIdWriter): Promise<void> {
    this.assertOpen();
    let inspection: UpdateInspection;
    try {
      // Checking the whole update first means a malformed one is rejected before any of it is
      // integrated, so the document never holds half of a bad update.
      inspection = inspectUpdate(update);
    } catch (error) {
      inspection = {
        problem: `does not decode (${error instanceof Error ? error.message : String(error)})`,
        reach: { ends: new Map(), structsEnd: new Map(), deletesEnd: new Map() },
        structs: [],
      };
    }
    if (inspection.problem === null && nestsTooDeep(this.ydoc, inspection.structs)) {
      inspection.problem = `nests shared types more than ${MAX_NESTING_DEPTH} deep`;
    }
    if (inspection.problem !== null) {
      debug('refused an update from %s to document %s: %s', by, this.name, inspection.problem);
      throw new QuireError(ErrorCodes.MALFORMED_UPDATE);
    }
    if (writer !== undefined) await this.askSharedOwners(inspection.reach.ends, writer);
    if (writer !== undefined) {
      const { deletesEnd, ends } = inspection.reach;
      const foreign = this.clientIds.foreignDeletions(deletesEnd, ends, (client) => Y.getState(this.ydoc.store, client), writer);
      if (foreign.length > 0) {
        // Not kept, unlike held-back content of one's own: retried, it applies once that content is here.
        debug('refused an update from %s to document %s: it deletes future content of client ids %o', by, this.name, foreign);
        throw new QuireError(ErrorCodes.MISSING_DEPENDENCIES);
      }
    }
    // Throws CLIENT_ID_TAKEN before anything is applied; else the ids this writer may claim.
    const claims =
      writer === undefined ? [] : this.clientIds.claimable(inspection.reach.ends, (client) => Y.getState(this.ydoc.store, client), writer);
    const pendingBefore = heldBackParts(this.ydoc);
    // Held-back content (anyone's) may integrate in this transaction: its sender lacks that part.
    this.heldBackBefore = holdsBack(pendingBefore) ? pendingBefore : null;
    try {
      Y.applyUpdate(this.ydoc, update, origin);
    } catch (error) {
      debug('update from %s to document %s failed to apply: %O', by, this.name, error);
      if (transactionLeftOpen(this.ydoc)) {
        // Yjs threw inside its transaction cleanup (a stack overflow, say), before it emitted the
        // update: the Y.Doc stays mid-transaction and never emits another, so every later edit
        // would be acknowledged and never stored or relayed. Close it instead; its clients
        // reconnect to a fresh load of what is stored, which never held this update.
        this.closed = true;
        this.broken = true;
        this.onBroken();
        throw new QuireError(ErrorCodes.DOCUMENT_CLOSED, BROKE_THE_DOCUMENT);
      }
      // Yjs cannot roll a transaction back. What integrated before the failure stays, and like any
      // change it reaches the store and the other clients, so every replica holds the same state.
      throw new QuireError(ErrorCodes.MALFORMED_UPDATE, PARTIALLY_APPLIED);
    } finally {
      this.heldBackBefore = null;
    }
    // Parts whose dependencies we lack are held back by Yjs and emit no 'update' yet; store the
    // raw update too, so that it survives a restart and integrates once they arrive. Yjs replaces
    // the held-back buffers even when a resend adds nothing to them, so compare their bytes: a
    // client resending the same update must not grow the stored log each time.
    if (heldBackDiffers(heldBackParts(this.ydoc), pendingBefore)) {
      this.writer.append(update);
    }
    if (writer !== undefined && claims.length > 0) this.clientIds.claim(claims, writer.keys);
    // The claim is written in the same turn as the update, so both are in one group commit.
    await this.whenDurable();
    // Stored, but nobody can read the held-back part until what it builds on arrives: acknowledging
    // it would let the client believe it saved. It sends the missing part, then this again.
    if (!fullyIntegrated(this.ydoc, inspection.reach)) {
      debug('update from %s to document %s builds on changes the server lacks', by, this.name);
      throw new QuireError(ErrorCodes.MISSING_DEPENDENCIES);
    }
  }

  /**
   * With a store several servers share, ids this server knows no owner of are asked of the store
   * first (claims made through other servers hold here). Updates arriving meanwhile queue behind,
   * so a writer's updates still apply in order; without a question and a queue, nothing waits.
   */
  private async askSharedOwners(ends: ReadonlyMap<number, number>, writer: ClientIdWriter): Promise<void> {
    const question = this.clientIds.sharedQuestion(ends, (client) => Y.getState(this.ydoc.store, client), writer);
    if (question === null && this.waitingForOwners === 0) return;
    this.waitingForOwners++;
    const turn = this.ownerQuestions.then(async () => {
      if (question !== null) await this.clientIds.ask(question, writer);
    });
    this.ownerQuestions = turn.catch(() => {});
    try {
      await turn;
    } catch (error) {
      debug('client-id owners of document %s could not be read from the store: %O', this.name, error);
      throw new QuireError(ErrorCodes.STORE_FAILED);
    } finally {
      this.waitingForOwners--;
    }
    this.assertOpen();
  }

  /** Resolves once every change so far is durable (and relayed to the other connections). */
  whenDurable(): Promise<void> {
    return this.durableUpdates.durable();
  }

  /** Applies the awareness entries this connection owns; reports whether any were refused. */
  applyClientAwareness(connection: ConnectionRef, update: Uint8Array): { refused: number } {
    this.assertOpen();
    // A writer's id shows its cursor only: presence under it from another session would impersonate it.
    const keys = writerKeysOf(connection);
    const { owned, refused } = this.presence.apply(connection, update, (clientId) => this.clientIds.ownedByAnother(clientId, keys));
    this.claimPresentedIds(connection, owned);
    return { refused };
  }

  /**
   * Presence shows a writer's client id to everyone before its first edit reaches us (it may be
   * typing offline): bind the id to its session now, or anyone could write under it first, and the
   * writer's own edits at those clocks would be skipped as known and still acknowledged.
   */
  private claimPresentedIds(connection: ConnectionRef, ids: readonly number[]): void {
    const own = connection.ownClientIds;
    if (connection.access !== 'write' || own === undefined) return;
    const declared = ids.filter((id) => own.includes(id));
    if (declared.length > 0) this.clientIds.claim(declared, writerKeysOf(connection));
  }

  /** The full awareness state, for a joiner; null when nobody is present. */
  encodeFullAwareness(): Uint8Array | null {
    return this.presence.encodeFull();
  }

  /** Removes the awareness states a departed connection introduced, for everyone at once. */
  removeConnection(connection: ConnectionRef): void {
    this.presence.removeConnection(connection);
  }

  /** Sends what is buffered for this turn now (before shutdown or unload). */
  flushBroadcasts(): void {
    this.outgoingUpdates.drain();
    this.presence.drain();
  }

  /** Refuses everything from now on and sends what is buffered (a forced unload). */
  close(): void {
    this.closed = true;
    this.flushBroadcasts();
  }

  get isClosed(): boolean {
    return this.closed || this.destroyed;
  }

  private assertOpen(): void {
    if (this.closed || this.destroyed) throw new QuireError(ErrorCodes.DOCUMENT_CLOSED);
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.withdrawLiveSnapshots();
    this.flushBroadcasts();
    // Whatever is still held never became durable: it is not relayed.
    this.durableUpdates.discard();
    this.ydoc.off('update', this.onDocUpdate);
    this.presence.destroy();
    this.ydoc.destroy();
    this.clientIds.destroy();
  }

  private readonly onDocUpdate = (update: Uint8Array, origin: unknown): void => {
    this.encodedState = null;
    if (isFromPersistence(origin)) return;
    this.encodedBytes += update.byteLength;
    // Another node committed it already; storing it again would only grow the log.
    if (!isFromPeer(origin)) this.writer.append(update);
    // Not echoed to its sender, unless it completed held-back content the sender never had. Only
    // then: content held back for good (it builds on a clock nobody sends) must not echo every update.
    const echo = this.heldBackBefore !== null && heldBackDiffers(this.heldBackBefore, heldBackParts(this.ydoc));
    this.outgoingUpdates.push(echo ? null : senderOf(origin), describeDocUpdate(update, this.clockOf));
  };

  private readonly clockOf = (client: number): number => Y.getState(this.ydoc.store, client);

  private currentEncodedState(): EncodedState {
    this.encodedState ??= {
      fullStep2: encodeSyncFrame('step2', Y.encodeStateAsUpdate(this.ydoc)),
      step1: encodeSyncFrame('step1', Y.encodeStateVector(this.ydoc)),
    };
    return this.encodedState;
  }
}

/** The message of a MALFORMED_UPDATE whose update failed only halfway through integration. */
export const PARTIALLY_APPLIED = 'The update could not be applied in full; what was applied before the failure is kept.';

/** The message of the DOCUMENT_CLOSED answering an update that left the server's copy unusable. */
export const BROKE_THE_DOCUMENT =
  'The update could not be applied and was not stored; the document is reloaded from what is stored: reconnect to continue.';

/** Whether Yjs was interrupted inside a transaction or its cleanup: the doc emits no more updates. */
function transactionLeftOpen(doc: Y.Doc): boolean {
  return doc._transaction !== null || doc._transactionCleanups.length > 0;
}
