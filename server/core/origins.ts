/**
 * Transaction origins. Every change to a server-side Y.Doc carries one, and the core decides by it:
 * updates from persistence are never written back, a connection's updates are never echoed to it,
 * and read-only connections are refused before their updates reach a transaction.
 */
export type Access = 'write' | 'read';

export interface ConnectionRef {
  /** Unique per namespace socket. */
  readonly id: string;
  readonly access: Access;
  /**
   * Secret the client's provider chose for its session. Awareness states belong to it, so a client
   * that reconnects (new socket, same provider) can take its own cursor over, and nobody else can.
   */
  readonly sessionKey: string;
  /**
   * Owners (hashed session keys, see client-id-owners.ts) this connection may write Yjs client ids
   * of: its own session first (new ids are claimed for it), then earlier sessions of the same
   * device whose unsent edits it carries (a reload while offline). Default: its own session.
   */
  readonly writerKeys?: readonly string[];
  /**
   * The Yjs client ids the client declared as its own at connect. New content under one of them
   * that nobody owns yet is claimed for this connection's session; content under other unowned ids
   * (a client relaying what another user wrote and the server lost) is accepted without claiming
   * anything. Absent: nothing is claimed, so an update with thousands of made-up ids cannot grow
   * the stored owners (a client declares at most 8).
   */
  readonly ownClientIds?: readonly number[];
}

export type UpdateOrigin =
  | { readonly source: 'connection'; readonly connection: ConnectionRef }
  | { readonly source: 'persistence' }
  | { readonly source: 'local' }
  /** Committed by another node of a cluster: relayed to local connections, never stored or published again. */
  | { readonly source: 'peer'; readonly node: string };

export const persistenceOrigin: UpdateOrigin = Object.freeze({ source: 'persistence' });
export const localOrigin: UpdateOrigin = Object.freeze({ source: 'local' });

export function peerOrigin(node: string): UpdateOrigin {
  return { source: 'peer', node };
}

export function connectionOrigin(connection: ConnectionRef): UpdateOrigin {
  return { source: 'connection', connection };
}

function isUpdateOrigin(origin: unknown): origin is UpdateOrigin {
  return typeof origin === 'object' && origin !== null && 'source' in origin;
}

/** The connection that caused a change, or null for server-side and stored changes. */
export function senderOf(origin: unknown): string | null {
  return isUpdateOrigin(origin) && origin.source === 'connection' ? origin.connection.id : null;
}

export function isFromPersistence(origin: unknown): boolean {
  return isUpdateOrigin(origin) && origin.source === 'persistence';
}

export function isFromPeer(origin: unknown): boolean {
  return isUpdateOrigin(origin) && origin.source === 'peer';
}
