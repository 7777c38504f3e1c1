/**
 * The Socket.io event maps, used as generics by the server and the client. See docs/PROTOCOL.md.
 */
import type { AckCallback } from './ack.js';
import type { ErrorInfo } from './errors.js';

/** What a client puts in Socket.io's `auth` for each document namespace it opens. */
export interface HandshakeAuth {
  protocol: number;
  token?: string;
  /**
   * Random secret of the provider's session; it owns the awareness states the session sets and
   * the Yjs client ids it writes under.
   */
  session?: string;
  /** The provider's `params`, for the server's hooks (see handshake-params.ts). */
  params?: Record<string, string>;
  /** Earlier sessions of this device whose unsent edits the provider carries (restored offline). */
  sessions?: string[];
  /** The Yjs client ids this provider writes under (its document's); new ones are claimed for its session. */
  clientIds?: number[];
}

export interface SyncStep1Reply {
  /** Step 2 frame: everything the client lacks. */
  step2: Uint8Array;
  /** Step 1 frame: the server's state vector, so the client can send what the server lacks. */
  step1: Uint8Array;
  /** Whether this connection may write. */
  access: 'write' | 'read';
}

export interface ClientToServerEvents {
  /** Handshake: a step 1 frame. Answered only after the stored document has loaded. */
  'sync-step-1': (frame: Uint8Array, ack: AckCallback<SyncStep1Reply>) => void;
  /** A step 2 or update frame. Acknowledged once everything it contributed is durable. */
  update: (frame: Uint8Array, ack: AckCallback) => void;
  /** A y-protocols awareness update (only states this connection introduced). */
  awareness: (update: Uint8Array) => void;
}

export interface ServerToClientEvents {
  /** Update frame: changes made by others, merged per event-loop turn. */
  update: (frame: Uint8Array) => void;
  /** A y-protocols awareness update, collapsed per turn to the latest state per client. */
  awareness: (update: Uint8Array) => void;
  /** An error not tied to an acknowledgement (rate limits, a dropped message). */
  notice: (error: ErrorInfo) => void;
}

export type InterServerEvents = Record<string, never>;

export interface SocketData {
  docName: string;
  principal: unknown;
  access: 'write' | 'read';
  sessionKey: string;
  /** Hashed session keys this socket may write Yjs client ids of (its own first). */
  writerKeys: string[];
  /** The Yjs client ids the client declared as its own, if it declared any. */
  ownClientIds?: number[];
}
