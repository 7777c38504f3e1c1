/**
 * Which connection may speak for which awareness client id.
 *
 * Security: without this, any client could move or delete other users' cursors by sending
 * awareness entries with their client ids. An id belongs to the provider session that first
 * announced it (identified by a secret session key sent at connect); a new socket of the same
 * session (a reconnect) takes it over, anyone else is refused. When the owning socket goes away,
 * its states are removed for everyone, so no cursor outlives its connection.
 */
import type { ConnectionRef } from './origins.js';

interface Owner {
  sessionKey: string;
  connectionId: string;
}

export class AwarenessOwnership {
  private readonly owners = new Map<number, Owner>();

  constructor(private readonly maxIdsPerConnection: number) {}

  /** Whether `connection` may set or remove the state of `clientId`; claims it when unowned. */
  claim(connection: ConnectionRef, clientId: number): boolean {
    const owner = this.owners.get(clientId);
    if (owner === undefined) {
      if (this.idsOf(connection.id).length >= this.maxIdsPerConnection) return false;
      this.owners.set(clientId, { sessionKey: connection.sessionKey, connectionId: connection.id });
      return true;
    }
    if (owner.sessionKey !== connection.sessionKey) return false;
    owner.connectionId = connection.id;
    return true;
  }

  /** Forgets and returns the ids currently held by a connection that has gone. */
  release(connectionId: string): number[] {
    const ids = this.idsOf(connectionId);
    for (const id of ids) this.owners.delete(id);
    return ids;
  }

  private idsOf(connectionId: string): number[] {
    const ids: number[] = [];
    for (const [id, owner] of this.owners) if (owner.connectionId === connectionId) ids.push(id);
    return ids;
  }
}
