/**
 * Keeps a provider's awareness in step with the server: sends this client's own state (collapsed
 * to one message per turn), applies others' states, and drops them when the connection is lost so
 * a disconnected client shows no stale cursors.
 */
import * as awarenessProtocol from 'y-protocols/awareness';

type Send = (update: Uint8Array) => void;

export class AwarenessSync {
  private sendScheduled = false;
  private connected = false;

  constructor(
    private readonly awareness: awarenessProtocol.Awareness,
    private readonly send: Send,
    private readonly origin: unknown,
  ) {
    awareness.on('update', this.onUpdate);
  }

  /**
   * A connection is up: announce ourselves. Receivers take a state only at a clock above the one
   * they hold, and the server's removal of our state when an earlier connection went kept our last
   * clock: our state goes one clock further, or an unchanged one would be ignored until it changed.
   */
  connectionOpened(): void {
    this.connected = true;
    if (this.awareness.getLocalState() === null) return;
    // Clock 0 is the state Awareness starts with, which y-protocols never shows: it stays so.
    const own = this.awareness.meta.get(this.awareness.clientID);
    if (own !== undefined && own.clock > 0) own.clock++;
    this.sendOwnState();
  }

  /**
   * The connection dropped: forget everyone else, clocks included. The server sends their states
   * again after the next handshake, at the clocks we had: remembered, those would be ignored.
   */
  connectionLost(): void {
    this.connected = false;
    const others = [...this.awareness.getStates().keys()].filter((id) => id !== this.awareness.clientID);
    if (others.length > 0) awarenessProtocol.removeAwarenessStates(this.awareness, others, this.origin);
    for (const id of [...this.awareness.meta.keys()]) if (id !== this.awareness.clientID) this.awareness.meta.delete(id);
  }

  applyRemote(update: Uint8Array): void {
    awarenessProtocol.applyAwarenessUpdate(this.awareness, update, this.origin);
  }

  /** Tells the others we are leaving (while the connection is still up). */
  leave(): void {
    this.awareness.off('update', this.onUpdate);
    if (this.connected && this.awareness.getLocalState() !== null) {
      awarenessProtocol.removeAwarenessStates(this.awareness, [this.awareness.clientID], this.origin);
      this.send(awarenessProtocol.encodeAwarenessUpdate(this.awareness, [this.awareness.clientID]));
    }
  }

  private readonly onUpdate = (change: { added: number[]; updated: number[]; removed: number[] }, origin: unknown): void => {
    if (origin === this.origin || !this.connected) return;
    const own = this.awareness.clientID;
    const touchesOwn = [...change.added, ...change.updated, ...change.removed].includes(own);
    if (!touchesOwn || this.sendScheduled) return;
    // Cursors move many times per frame; send only the latest state once per turn.
    this.sendScheduled = true;
    queueMicrotask(() => {
      this.sendScheduled = false;
      if (this.connected) this.sendOwnState();
    });
  };

  /**
   * The document moved to a fresh client id because its own was another session's (CLIENT_ID_TAKEN):
   * the presence moves too. The server refuses presence under the taken id (it would show this
   * client's cursor as the owner's), and each refusal counts against the connection.
   */
  followClientId(): void {
    const old = this.awareness.clientID;
    const fresh = this.awareness.doc.clientID;
    if (old === fresh) return;
    const state = this.awareness.getLocalState();
    const clock = this.awareness.meta.get(old)?.clock ?? 0;
    // The old id's state never reached anyone (the server refused it): forgotten without a removal.
    this.awareness.states.delete(old);
    this.awareness.meta.delete(old);
    this.awareness.clientID = fresh;
    // Receivers take a state only at a clock above the one they hold, and hold 0 for an id they never saw.
    this.awareness.meta.set(fresh, { clock, lastUpdated: Date.now() });
    if (state !== null) this.awareness.setLocalState(state);
  }

  private sendOwnState(): void {
    this.followClientId();
    this.send(awarenessProtocol.encodeAwarenessUpdate(this.awareness, [this.awareness.clientID]));
  }
}
