import type { Access } from '../core/origins.js';

/** What a client presented when it opened a document namespace. */
export interface HandshakeInfo {
  /** The `token` from the client's Socket.io `auth`, if any. */
  token: string | undefined;
  /** The full `auth` object the client sent. */
  auth: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
  address: string;
  query: Record<string, unknown>;
  /** The provider's `params` option: string fields only, at most 32 (others are dropped). */
  params: Record<string, string>;
}

/**
 * Returns who the client is, or throws (→ AUTH_FAILED, or the code of a thrown QuireError such as
 * TOKEN_EXPIRED). Called for every document the client opens, so a refreshed token is seen at
 * each (re)connect. When the principal has a numeric `expiresAt` (ms since the epoch), the server
 * closes the client's document connections at that moment with TOKEN_EXPIRED.
 */
export type Authenticate = (handshake: HandshakeInfo) => unknown | Promise<unknown>;

/** Returns the access a principal has to a document; anything else denies (→ PERMISSION_DENIED). */
export type Authorize = (
  principal: unknown,
  docName: string,
) => Access | false | null | undefined | Promise<Access | false | null | undefined>;
