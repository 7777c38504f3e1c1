/**
 * Presence across nodes. Changes made by this node's connections (states set, and removed when a
 * connection leaves) are published on the bus once per turn per document, collapsed to the latest
 * state per client; states from other nodes are applied with a `peer` origin, so the document
 * relays them to its own sockets and this relay does not publish them again. Presence is lossy by
 * nature: a node that dies without saying so has its clients' states expire everywhere after
 * y-protocols' 30 s timeout (clients renew theirs every 15 s).
 */
import createDebug from 'debug';
import * as awarenessProtocol from 'y-protocols/awareness';
import type { QuireDocument } from '../core/document.js';
import { peerOrigin } from '../core/origins.js';
import type { BusMessage } from './bus-messages.js';

const debug = createDebug('quire:cluster:awareness');

type Change = { added: number[]; updated: number[]; removed: number[] };

function fromConnection(origin: unknown): boolean {
  return typeof origin === 'object' && origin !== null && (origin as { source?: unknown }).source === 'connection';
}

export class AwarenessRelay {
  private readonly watched = new Map<string, () => void>();

  constructor(
    private readonly nodeId: string,
    private readonly publish: (docName: string, message: BusMessage) => void,
  ) {}

  watch(doc: QuireDocument): void {
    if (this.watched.has(doc.name)) return;
    let pending: Set<number> | null = null;
    const onUpdate = (change: Change, origin: unknown) => {
      if (!fromConnection(origin)) return;
      const firstInTurn = pending === null;
      pending ??= new Set();
      for (const id of [...change.added, ...change.updated, ...change.removed]) pending.add(id);
      if (!firstInTurn) return;
      setImmediate(() => {
        const ids = [...(pending ?? [])].filter((id) => doc.awareness.meta.has(id));
        pending = null;
        if (ids.length === 0 || !this.watched.has(doc.name)) return;
        this.publish(doc.name, {
          kind: 'awareness',
          node: this.nodeId,
          docName: doc.name,
          sentAt: Date.now(),
          awareness: awarenessProtocol.encodeAwarenessUpdate(doc.awareness, ids),
        });
      });
    };
    doc.awareness.on('update', onUpdate);
    this.watched.set(doc.name, () => doc.awareness.off('update', onUpdate));
  }

  unwatch(docName: string): void {
    this.watched.get(docName)?.();
    this.watched.delete(docName);
  }

  apply(doc: QuireDocument, update: Uint8Array, node: string): void {
    try {
      awarenessProtocol.applyAwarenessUpdate(doc.awareness, update, peerOrigin(node));
    } catch (error) {
      debug('awareness from %s for %s could not be applied: %O', node, doc.name, error);
    }
  }
}
