/**
 * Presence across nodes. Changes made by this node's connections (states set, and removed when a
 * connection leaves) are published on the bus once per turn per document, collapsed to the latest
 * state per client; states from other nodes are applied with a `peer` origin, so the document
 * relays them to its own sockets and this relay does not publish them again.
 *
 * Presence is lossy by nature, but a node's departure must not leave ghosts: the relay remembers
 * which node introduced each remote state, so when a node is found dead (node-liveness.ts) its
 * clients' states are removed at once, and after a bus outage this node publishes its own
 * clients' states again (the others may have dropped them meanwhile).
 */
import createDebug from 'debug';
import * as awarenessProtocol from 'y-protocols/awareness';
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
  stop: () => void;
}

export class AwarenessRelay {
  private readonly watched = new Map<string, Watched>();

  constructor(
    private readonly nodeId: string,
    private readonly publish: (docName: string, message: BusMessage) => void,
  ) {}

  watch(doc: QuireDocument): void {
    if (this.watched.has(doc.name)) return;
    const remote = new Map<number, string>();
    let pending: Set<number> | null = null;
    const onUpdate = (change: Change, origin: unknown) => {
      if (isFromPeer(origin)) {
        const node = (origin as { node: string }).node;
        for (const id of [...change.added, ...change.updated]) remote.set(id, node);
        for (const id of change.removed) remote.delete(id);
        return;
      }
      if (!fromConnection(origin)) return;
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
    this.watched.set(doc.name, { doc, remote, stop: () => doc.awareness.off('update', onUpdate) });
  }

  unwatch(docName: string): void {
    this.watched.get(docName)?.stop();
    this.watched.delete(docName);
  }

  apply(doc: QuireDocument, update: Uint8Array, node: string): void {
    try {
      awarenessProtocol.applyAwarenessUpdate(doc.awareness, update, peerOrigin(node));
    } catch (error) {
      debug('awareness from %s for %s could not be applied: %O', node, doc.name, error);
    }
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

  /** Publishes this node's own clients' states again (after the bus was away). */
  republish(): void {
    for (const { doc, remote } of this.watched.values()) {
      this.send(
        doc,
        [...doc.awareness.getStates().keys()].filter((id) => !remote.has(id)),
      );
    }
  }

  private send(doc: QuireDocument, ids: number[]): void {
    if (ids.length === 0) return;
    this.publish(doc.name, {
      kind: 'awareness',
      node: this.nodeId,
      docName: doc.name,
      sentAt: Date.now(),
      awareness: awarenessProtocol.encodeAwarenessUpdate(doc.awareness, ids),
    });
  }
}
