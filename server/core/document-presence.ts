/**
 * A document's presence: the Awareness, which connection introduced which state, and what goes out.
 *
 * The Awareness keeps maps and a timer (every 3 s, to drop states nobody refreshed), so it is
 * created when the first presence arrives, or when someone asks for it (the cluster relay), not for
 * every document a client merely opens.
 */
import type * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import { ErrorCodes, QuireError } from '../../shared/errors.js';
import { decodeAwarenessEntries, encodeAwarenessEntries } from './awareness-frames.js';
import { AwarenessOwnership } from './awareness-ownership.js';
import type { DocumentChannel } from './fan-out.js';
import { type ConnectionRef, connectionOrigin, senderOf } from './origins.js';
import { TurnBuffer } from './turn-buffer.js';

/**
 * Presence goes out at most this often per document. Every broadcast is a write per receiver, and
 * with many people moving their cursors those writes were most of the server's work: gathered over
 * 50 ms, a busy document's cursor moves share one write per receiver (at most 20 a second, as
 * smooth as cursors need). Presence after a quiet moment still goes out at the end of its turn.
 */
export const PRESENCE_INTERVAL_MS = 50;

export interface PresenceLimits {
  /** Awareness client ids one connection may introduce. */
  maxAwarenessIdsPerConnection: number;
  /** Entries one awareness message may carry. */
  maxAwarenessEntries: number;
}

export class DocumentPresence {
  private states: awarenessProtocol.Awareness | null = null;
  private readonly ownership: AwarenessOwnership;
  private readonly outgoing: TurnBuffer<number[]>;

  constructor(
    private readonly ydoc: Y.Doc,
    channel: DocumentChannel,
    private readonly limits: PresenceLimits,
  ) {
    this.ownership = new AwarenessOwnership(limits.maxAwarenessIdsPerConnection);
    this.outgoing = new TurnBuffer((items) => {
      const payload = this.encode(items.map((item) => item.value));
      if (payload === null) return;
      // One payload, one write per receiver. A lone sender is spared its own state; when several
      // sent, each receives its own among the others' (y-protocols ignores a state at the clock it
      // already has), instead of a payload encoded and written apart for every sender.
      const senders = new Set(items.map((item) => item.senderId));
      const [only] = senders;
      channel.broadcast('awareness', payload, senders.size === 1 && only !== null && only !== undefined ? [only] : []);
    }, PRESENCE_INTERVAL_MS);
  }

  get awareness(): awarenessProtocol.Awareness {
    if (this.states === null) {
      const awareness = new awarenessProtocol.Awareness(this.ydoc);
      // The server has no presence of its own.
      awareness.setLocalState(null);
      awareness.on('update', this.onUpdate);
      this.states = awareness;
    }
    return this.states;
  }

  /**
   * Applies the entries this connection owns; returns their client ids and how many were refused.
   * `ownedByAnother`: ids whose content belongs to another session, which nobody else may present.
   */
  apply(
    connection: ConnectionRef,
    update: Uint8Array,
    ownedByAnother: (clientId: number) => boolean,
  ): { owned: number[]; refused: number } {
    let entries;
    try {
      entries = decodeAwarenessEntries(update, this.limits.maxAwarenessEntries);
    } catch {
      throw new QuireError(ErrorCodes.MALFORMED_UPDATE, 'The awareness update could not be decoded.');
    }
    const owned = entries.filter((entry) => !ownedByAnother(entry.clientId) && this.ownership.claim(connection, entry.clientId));
    if (owned.length > 0) {
      awarenessProtocol.applyAwarenessUpdate(
        this.awareness,
        owned.length === entries.length ? update : encodeAwarenessEntries(owned),
        connectionOrigin(connection),
      );
    }
    return { owned: owned.map((entry) => entry.clientId), refused: entries.length - owned.length };
  }

  /** The full state, for a joiner; null when nobody is present. */
  encodeFull(): Uint8Array | null {
    if (this.states === null) return null;
    return this.encode([[...this.states.getStates().keys()]]);
  }

  /** Removes the states a departed connection introduced, for everyone at once. */
  removeConnection(connection: ConnectionRef): void {
    const ids = this.ownership.release(connection.id);
    if (ids.length > 0) awarenessProtocol.removeAwarenessStates(this.awareness, ids, connectionOrigin(connection));
  }

  /** Sends what is gathered now instead of at the end of the interval. */
  drain(): void {
    this.outgoing.drain();
  }

  destroy(): void {
    // Kept, destroyed: a late reader (the cluster relay letting go) must not create a new
    // Awareness, whose timer would outlive the document.
    this.states?.off('update', this.onUpdate);
    this.states?.destroy();
  }

  private readonly onUpdate = (change: { added: number[]; updated: number[]; removed: number[] }, origin: unknown): void => {
    const ids = [...change.added, ...change.updated, ...change.removed];
    if (ids.length > 0) this.outgoing.push(senderOf(origin), ids);
  };

  private encode(idLists: number[][]): Uint8Array | null {
    // Collapses the gathered changes to the latest state per client.
    const ids = [...new Set(idLists.flat())].filter((id) => this.awareness.meta.has(id));
    return ids.length === 0 ? null : awarenessProtocol.encodeAwarenessUpdate(this.awareness, ids);
  }
}
