/**
 * Presence across nodes. Changes made by this node's connections (states set, and removed when a
 * connection leaves) are published on the bus once per turn per document, collapsed to the latest
 * state per client; states from other nodes are applied with a `peer` origin, so the document
 * relays them to its own sockets and this relay does not publish them again.
 *
 * Presence is lossy by nature, but a node's departure must not leave ghosts: the relay remembers
 * which node introduced each remote state, so when a node is found dead (node-liveness.ts) its
 * clients' states are removed at once.
 *
 * Nor may presence be missing: a node that starts following a document asks the others for their
 * clients' states (an awareness update without entries), and they answer with them. After a bus
 * outage this node asks again, publishes its own clients' states again (the others may have dropped
 * them meanwhile), and the removals of those that left while the bus could not take the message
 * (the others would keep them as ghosts until the 30 s awareness timeout, even when this node
 * unloaded the document meanwhile).
 */
import createDebug from 'debug';
import * as awarenessProtocol from 'y-protocols/awareness';
import { type AwarenessEntry, decodeAwarenessEntries, encodeAwarenessEntries } from '../core/awareness-frames.js';
import type { QuireDocument } from '../core/document.js';
import { isFromPeer, peerOrigin } from '../core/origins.js';
import type { BusMessage } from './bus-messages.js';

const debug = createDebug('quire:cluster:awareness');

type Change = { added: number[]; updated: number[]; removed: number[] };

function fromConnection(origin: unknown): boolean {
  return typeof origin === 'object' && origin !== null && (origin as { source?: unknown }).source === 'connection';
}

interface Watched {
  doc: QuireDocument;
  /** Remote awareness client id → the node (bus id) that introduced it. */
  remote: Map<number, string>;
  /** A reply to another node's request for presence is on its way (one per turn). */
  replying: boolean;
  /**
   * Own client id → what this node adds to its clock on the bus. The others drop a state at the
   * clock they hold it (removing it keeps the clock), and take it back only at a higher one: a
   * state published again after they dropped it goes out one clock ahead, and so does everything
   * this node publishes of that client afterwards, so its next change is not taken for a repeat.
   */
  bump: Map<number, number>;
  /** Own client id → when its state was last published again over a forged one (ms, monotonic). */
  reasserted: Map<number, number>;
  /**
   * Own client ids another node introduced first (a client that failed over here, or a forger
   * here): another node's word on them is taken, never fought.
   */
  takenOver: Set<number>;
  stop: () => void;
}

const REASSERT_EVERY_MS = 2_000;

/** An awareness update without entries: asks the nodes holding the document for their clients' states. */
const PRESENCE_REQUEST = new Uint8Array([0]);

export class AwarenessRelay {
  private readonly watched = new Map<string, Watched>();
  /** Removals the bus lost: document → client id → the clock removed at. */
  private readonly lostRemovals = new Map<string, Map<number, number>>();

  constructor(
    private readonly nodeId: string,
    private readonly publish: (docName: string, message: BusMessage, onLost: () => void) => void,
  ) {}

  watch(doc: QuireDocument): void {
    if (this.watched.has(doc.name)) return;
    const remote = new Map<number, string>();
    const bump = new Map<number, number>();
    const takenOver = new Set<number>();
    let pending: Set<number> | null = null;
    const onUpdate = (change: Change, origin: unknown) => {
      if (isFromPeer(origin)) {
        const node = (origin as { node: string }).node;
        for (const id of [...change.added, ...change.updated]) {
          remote.set(id, node);
          bump.delete(id);
          takenOver.delete(id);
        }
        for (const id of change.removed) remote.delete(id);
        return;
      }
      if (!fromConnection(origin)) return;
      // A client another node introduced now speaks through this one (it failed over): it is
      // this node's, and must not go when that node is found dead.
      for (const id of [...change.added, ...change.updated]) if (remote.delete(id)) takenOver.add(id);
      const firstInTurn = pending === null;
      pending ??= new Set();
      for (const id of [...change.added, ...change.updated, ...change.removed]) pending.add(id);
      if (!firstInTurn) return;
      setImmediate(() => {
        const ids = [...(pending ?? [])].filter((id) => doc.awareness.meta.has(id));
        pending = null;
        if (this.watched.has(doc.name)) this.send(doc, ids);
      });
    };
    doc.awareness.on('update', onUpdate);
    this.watched.set(doc.name, {
      doc,
      remote,
      replying: false,
      bump,
      reasserted: new Map(),
      takenOver,
      stop: () => doc.awareness.off('update', onUpdate),
    });
    // The others announced their clients before this node followed the document: ask for them, as
    // a client joining one node gets every present state at once.
    this.requestPresence(doc.name);
  }

  unwatch(docName: string): void {
    this.watched.get(docName)?.stop();
    this.watched.delete(docName);
  }

  apply(doc: QuireDocument, update: Uint8Array, node: string): void {
    if (update.length === 1 && update[0] === 0) return this.replyWithPresence(doc.name);
    let entries: AwarenessEntry[];
    try {
      entries = decodeAwarenessEntries(update, Number.MAX_SAFE_INTEGER);
    } catch (error) {
      return debug('awareness from %s for %s could not be decoded: %O', node, doc.name, error);
    }
    // Another node lets a connection claim any id it does not know, so it may pass on a state
    // forged for a client connected here: this node's own clients' states are its to say.
    const takenOver = this.watched.get(doc.name)?.takenOver;
    const own = new Set(this.ownIds(doc.name).filter((id) => takenOver?.has(id) !== true));
    const forged = entries.filter((entry) => own.has(entry.clientId));
    if (forged.length > 0) this.reassert(doc, forged, node);
    const accepted = forged.length === 0 ? entries : entries.filter((entry) => !own.has(entry.clientId));
    if (accepted.length === 0) return;
    try {
      awarenessProtocol.applyAwarenessUpdate(
        doc.awareness,
        accepted === entries ? update : encodeAwarenessEntries(accepted),
        peerOrigin(node),
      );
    } catch (error) {
      debug('awareness from %s for %s could not be applied: %O', node, doc.name, error);
    }
  }

  /**
   * Publishes this node's clients' true states above the clocks forged for them elsewhere, at most
   * once per REASSERT_EVERY_MS per client: a client that moved to another node while its old
   * connection here is not yet known to be dead looks the same, and two nodes answering each other
   * at once would never stop.
   */
  private reassert(doc: QuireDocument, forged: readonly AwarenessEntry[], node: string): void {
    const watched = this.watched.get(doc.name);
    if (watched === undefined) return;
    const now = performance.now();
    const due = forged.filter(({ clientId }) => now - (watched.reasserted.get(clientId) ?? Number.NEGATIVE_INFINITY) >= REASSERT_EVERY_MS);
    if (due.length === 0) return;
    debug('%s: %d state(s) of clients connected here arrived from %s: published again', doc.name, due.length, node);
    for (const { clientId, clock } of due) {
      watched.reasserted.set(clientId, now);
      const above = clock + 1 - (doc.awareness.meta.get(clientId)?.clock ?? 0);
      if (above > (watched.bump.get(clientId) ?? 0)) watched.bump.set(clientId, above);
    }
    this.send(
      doc,
      due.map((entry) => entry.clientId),
    );
  }

  /** The nodes whose clients' presence this node holds. */
  *peers(): Iterable<string> {
    for (const { remote } of this.watched.values()) yield* remote.values();
  }

  /** Removes the presence of a node found dead, everywhere here (and so from local clients); returns how many states. */
  removePeer(node: string): number {
    let removed = 0;
    for (const { doc, remote } of this.watched.values()) {
      const ids = [...remote].filter(([, from]) => from === node).map(([id]) => id);
      if (ids.length === 0) continue;
      awarenessProtocol.removeAwarenessStates(doc.awareness, ids, peerOrigin(node));
      removed += ids.length;
    }
    return removed;
  }

  /** Publishes this node's own clients' states again, and the removals the bus lost (after it was away). */
  republish(): void {
    for (const { doc, bump } of this.watched.values()) {
      const own = this.ownIds(doc.name);
      for (const id of own) bump.set(id, (bump.get(id) ?? 0) + 1);
      this.send(doc, own);
      // What the others' clients did meanwhile was lost with the bus too.
      this.requestPresence(doc.name);
    }
    const lost = [...this.lostRemovals];
    this.lostRemovals.clear();
    for (const [docName, removals] of lost) {
      // A client present here again (or relayed from another node since) is not removed.
      const present = this.watched.get(docName)?.doc.awareness.getStates();
      const entries = [...removals]
        .filter(([id]) => present?.has(id) !== true)
        .map(([clientId, clock]) => ({ clientId, clock, stateJson: 'null' }));
      if (entries.length > 0) this.sendRemovals(docName, entries);
    }
  }

  /** The states this node's own clients introduced. */
  private ownIds(docName: string): number[] {
    const watched = this.watched.get(docName);
    if (watched === undefined) return [];
    return [...watched.doc.awareness.getStates().keys()].filter((id) => !watched.remote.has(id));
  }

  private requestPresence(docName: string): void {
    this.publish(docName, { kind: 'awareness', node: this.nodeId, docName, sentAt: Date.now(), awareness: PRESENCE_REQUEST }, () => {});
  }

  private replyWithPresence(docName: string): void {
    const watched = this.watched.get(docName);
    if (watched === undefined || watched.replying) return;
    watched.replying = true;
    setImmediate(() => {
      watched.replying = false;
      if (this.watched.get(docName) === watched) this.send(watched.doc, this.ownIds(docName));
    });
  }

  private send(doc: QuireDocument, ids: number[]): void {
    if (ids.length === 0) return;
    const states = doc.awareness.getStates();
    const bump = this.watched.get(doc.name)?.bump;
    const entries = ids.map((id) => ({
      clientId: id,
      clock: (doc.awareness.meta.get(id)?.clock ?? 0) + (bump?.get(id) ?? 0),
      stateJson: JSON.stringify(states.get(id) ?? null),
    }));
    const removals = entries.filter((entry) => !states.has(entry.clientId));
    // A client present again needs no removal of its earlier departure.
    for (const id of ids) if (states.has(id)) this.lostRemovals.get(doc.name)?.delete(id);
    this.publish(
      doc.name,
      {
        kind: 'awareness',
        node: this.nodeId,
        docName: doc.name,
        sentAt: Date.now(),
        awareness: encodeAwarenessEntries(entries),
      },
      () => this.rememberLost(doc.name, removals),
    );
  }

  private sendRemovals(docName: string, entries: { clientId: number; clock: number; stateJson: string }[]): void {
    this.publish(
      docName,
      { kind: 'awareness', node: this.nodeId, docName, sentAt: Date.now(), awareness: encodeAwarenessEntries(entries) },
      () => this.rememberLost(docName, entries),
    );
  }

  private rememberLost(docName: string, removals: readonly { clientId: number; clock: number }[]): void {
    if (removals.length === 0) return;
    const lost = this.lostRemovals.get(docName) ?? new Map<number, number>();
    for (const { clientId, clock } of removals) lost.set(clientId, Math.max(clock, lost.get(clientId) ?? 0));
    this.lostRemovals.set(docName, lost);
  }
}
