/**
 * Which connection may speak for which awareness client id.
 *
 * Security: without this, any client could move or delete other users' cursors by sending
 * awareness entries with their client ids. An id belongs to the provider session that first
 * announced it (identified by a secret session key sent at connect); a new socket of the same
 * session (a reconnect) takes it over, anyone else is refused. When the owning socket goes away,
 * its states are removed for everyone, so no cursor outlives its connection.
 *
 * The id stays reserved for its session for `reserveMs` after the socket leaves: every client in
 * the document has seen the id, and without the reservation anyone could claim it in the moment
 * between the owner's disconnect and its reconnect, and then impersonate it for good.
 */
import type { ConnectionRef } from './origins.js';

interface Owner {
  sessionKey: string;
  /** The socket speaking for the id, or null while its session is away (reserved). */
  connectionId: string | null;
  /** While reserved: when the reservation lapses (ms, monotonic). */
  reservedUntil: number;
}

export class AwarenessOwnership {
  private readonly owners = new Map<number, Owner>();

  constructor(
    private readonly maxIdsPerConnection: number,
    private readonly reserveMs = 60_000,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Whether `connection` may set or remove the state of `clientId`; claims it when unowned. */
  claim(connection: ConnectionRef, clientId: number): boolean {
    let owner = this.owners.get(clientId);
    if (owner !== undefined && owner.connectionId === null && owner.reservedUntil <= this.now()) {
      this.owners.delete(clientId);
      owner = undefined;
    }
    if (owner === undefined) {
      if (this.idsOf(connection.id).length >= this.maxIdsPerConnection) return false;
      this.owners.set(clientId, { sessionKey: connection.sessionKey, connectionId: connection.id, reservedUntil: 0 });
      return true;
    }
    if (owner.sessionKey !== connection.sessionKey) return false;
    owner.connectionId = connection.id;
    return true;
  }

  /** Returns the ids a departed connection held; they stay reserved for its session for a while. */
  release(connectionId: string): number[] {
    const now = this.now();
    const ids: number[] = [];
    for (const [id, owner] of this.owners) {
      if (owner.connectionId === connectionId) {
        ids.push(id);
        owner.connectionId = null;
        owner.reservedUntil = now + this.reserveMs;
      } else if (owner.connectionId === null && owner.reservedUntil <= now) {
        // Lapsed reservations are dropped here, so they cannot pile up.
        this.owners.delete(id);
      }
    }
    return ids;
  }

  private idsOf(connectionId: string): number[] {
    const ids: number[] = [];
    for (const [id, owner] of this.owners) if (owner.connectionId === connectionId) ids.push(id);
    return ids;
  }
}
