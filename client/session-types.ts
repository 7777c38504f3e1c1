import type { Ack } from '../shared/ack.js';
import type { ErrorInfo } from '../shared/errors.js';
import type { SyncStep1Reply, UpdatePartHeader } from '../shared/events.js';
import type { PendingEntry } from './pending-queue.js';

/** How a sync session reaches the server: Socket.io in the provider, in memory in the simulation. */
export interface SyncTransport {
  syncStep1(frame: Uint8Array, answer: (reply: Ack<SyncStep1Reply>) => void): void;
  update(frame: Uint8Array, answer: (reply: Ack) => void): void;
  updatePart(header: UpdatePartHeader, part: Uint8Array, answer: (reply: Ack) => void): void;
}

/** Timers, injectable so a simulation can run the protocol on a virtual clock. */
export interface Timers {
  set(action: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export const realTimers: Timers = {
  set: (action, ms) => setTimeout(action, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** An edit the server will not take as it is; it stays pending on the client. */
export interface UpdateRefusal extends ErrorInfo {
  /** Size of the refused update (or message), in bytes. */
  bytes: number;
}

/** What a session reports to its provider. */
export interface SyncSessionListener {
  synced(synced: boolean): void;
  pending(status: { count: number; bytes: number }): void;
  /** Every local edit is durable on the server (nothing pending, connection synced). */
  saved(): void;
  notice(info: ErrorInfo): void;
  updateRefused(refusal: UpdateRefusal): void;
  /** These entries left the queue: the server made them durable (or they were rewritten into one). */
  acknowledged(entries: readonly PendingEntry[]): void;
  /** An entry the session queued itself (edits moved off a taken client id). */
  queued(entry: PendingEntry): void;
}
