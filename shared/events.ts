/**
 * The Socket.io event maps, used as generics by the server and the client. See docs/PROTOCOL.md.
 */
import type { AckCallback } from './ack.js';
import type { ErrorInfo } from './errors.js';
import type { VersionCreatedEvent, VersionInfo, VersionRestoredEvent } from './versions.js';

/** What a client puts in Socket.io's `auth` for each document namespace it opens. */
export interface HandshakeAuth {
  protocol: number;
  token?: string;
  /**
   * Random secret of the provider's session; it owns the awareness states the session sets and
   * the Yjs client ids it writes under.
   */
  session?: string;
  /** Earlier sessions of this device whose unsent edits the provider carries (restored offline). */
  sessions?: string[];
  /** The Yjs client ids this provider writes under (its document's); new ones are claimed for its session. */
  clientIds?: number[];
}

/**
 * What the server accepts, told in every handshake reply so the client sizes its messages to fit:
 * a frame larger than `partBytes` travels as `update-part` messages of at most that many bytes.
 */
export interface SyncLimits {
  /** Largest update frame (or part of one) sent as one message; safe over long-polling too. */
  partBytes: number;
  /** Largest update frame accepted at all, in parts. A larger edit stays on the client. */
  maxAssembledUpdateBytes: number;
}

/** Identifies one part of an update frame too large for one message. See docs/PROTOCOL.md. */
export interface UpdatePartHeader {
  /** Chosen by the client; the same for every part of one frame. */
  id: number;
  /** 0, 1, 2, … in order; a part with index 0 starts a new frame and abandons an unfinished one. */
  index: number;
  /** Bytes of the whole frame. */
  total: number;
  /** The last part: its ack is the ack of the whole frame. */
  final: boolean;
}

export interface SyncStep1Reply {
  /** Step 2 frame: everything the client lacks. */
  step2: Uint8Array;
  /** Step 1 frame: the server's state vector, so the client can send what the server lacks. */
  step1: Uint8Array;
  /** Whether this connection may write. */
  access: 'write' | 'read';
  limits: SyncLimits;
}

export interface ClientToServerEvents {
  /** Handshake: a step 1 frame. Answered only after the stored document has loaded. */
  'sync-step-1': (frame: Uint8Array, ack: AckCallback<SyncStep1Reply>) => void;
  /** A step 2 or update frame. Acknowledged once everything it contributed is durable. */
  update: (frame: Uint8Array, ack: AckCallback) => void;
  /**
   * One part of a step 2 or update frame larger than `limits.partBytes`. A part is acknowledged
   * when received; the final part's ack is the frame's: sent once everything it contributed is durable.
   */
  'update-part': (header: UpdatePartHeader, part: Uint8Array, ack: AckCallback) => void;
  /** A y-protocols awareness update (only states this connection introduced). */
  awareness: (update: Uint8Array) => void;
  /** Version history (read access; see docs/VERSIONS.md). */
  'versions:list': (request: Record<string, never>, ack: AckCallback<{ versions: VersionInfo[] }>) => void;
  /** A named version of the document as it is now (write access). */
  'versions:create': (request: { name?: string | null }, ack: AckCallback<{ version: VersionInfo }>) => void;
  /** A version's full state as one binary Yjs update (read access). */
  'versions:get': (request: { id: number }, ack: AckCallback<{ update: Uint8Array }>) => void;
  /** Restores a version as a forward change (write access). */
  'versions:restore': (request: { id: number }, ack: AckCallback<VersionRestoredEvent>) => void;
}

/** Client-to-server events of version history, as named on the wire. */
export const VERSION_REQUEST_EVENTS = ['versions:list', 'versions:create', 'versions:get', 'versions:restore'] as const;

export interface ServerToClientEvents {
  /** Update frame: changes made by others, merged per event-loop turn. */
  update: (frame: Uint8Array) => void;
  /** A y-protocols awareness update, collapsed per turn to the latest state per client. */
  awareness: (update: Uint8Array) => void;
  /** An error not tied to an acknowledgement (rate limits, a dropped message). */
  notice: (error: ErrorInfo) => void;
  /** A version of the document was created (by anyone, automatic ones included). */
  'version-created': (event: VersionCreatedEvent) => void;
  /** A restore was applied; its revert reaches clients as an ordinary update. */
  'version-restored': (event: VersionRestoredEvent) => void;
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
