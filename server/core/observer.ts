/**
 * What the server tells operations code (metrics, logs) about its work. Every method is optional
 * and receives sizes, durations, names and codes only, never document content, so an observer can
 * log what it gets without leaking anything.
 *
 * The core and transport call these on their hot paths: implementations must be cheap and must not
 * throw (create-server wraps the observer it is given so that a throwing one cannot break a handler).
 */
import type { ErrorCode } from '../../shared/errors.js';

export type MessageKind = 'update' | 'awareness' | 'sync';

/** Where an error happened: which client request, or which server-side operation. */
export type ErrorOperation =
  | 'handshake'
  | 'sync-step-1'
  | 'update'
  | 'awareness'
  | 'unknown-event'
  | 'versions'
  | 'load'
  | 'unload'
  | 'store-write'
  | 'outgoing'
  | 'admin';

export interface ErrorEvent {
  /** The document concerned, when one is known (a refused handshake may have no valid name). */
  docName: string | null;
  /** A stable code: one of the shared ErrorCodes, or one of the admin API's (DOCUMENT_NOT_FOUND, …). */
  code: ErrorCode | (string & {});
  operation: ErrorOperation;
  /** The underlying cause, for server-side failures (never set for a client's bad input). */
  cause?: unknown;
}

export interface ServerObserver {
  connectionOpened?(event: { docName: string; transport: string }): void;
  connectionClosed?(event: { docName: string; reason: string }): void;
  documentLoaded?(event: { docName: string; storedUpdates: number; durationMs: number }): void;
  documentUnloaded?(event: { docName: string }): void;
  /** A message arrived from a client. */
  messageReceived?(event: { docName: string; kind: MessageKind; bytes: number }): void;
  /** A message left for `receivers` clients (bytes is the size of one copy). */
  messageSent?(event: { docName: string; kind: MessageKind; bytes: number; receivers: number }): void;
  /** A client's update was acknowledged `durationMs` after it arrived (it was durable by then). */
  updateAcknowledged?(event: { docName: string; durationMs: number }): void;
  /** A write batch reached the store (all appends issued in one event-loop turn). */
  storeBatch?(event: { updates: number; bytes: number; durationMs: number; ok: boolean }): void;
  /** The store compacted a document's log into a snapshot. */
  compaction?(event: { docName: string; durationMs: number }): void;
  error?(event: ErrorEvent): void;
}

/**
 * The observer the core calls: forwards to the given ones and swallows what they throw, because
 * a metrics or logging bug must never fail a client's request.
 */
export function safeObserver(...observers: readonly (ServerObserver | undefined)[]): Required<ServerObserver> {
  const present = observers.filter((o): o is ServerObserver => o !== undefined);
  const forward =
    <K extends keyof ServerObserver>(key: K) =>
    (event: Parameters<NonNullable<ServerObserver[K]>>[0]): void => {
      for (const observer of present) {
        try {
          (observer[key] as ((e: typeof event) => void) | undefined)?.call(observer, event);
        } catch {
          // Deliberately ignored: see above.
        }
      }
    };
  return {
    connectionOpened: forward('connectionOpened'),
    connectionClosed: forward('connectionClosed'),
    documentLoaded: forward('documentLoaded'),
    documentUnloaded: forward('documentUnloaded'),
    messageReceived: forward('messageReceived'),
    messageSent: forward('messageSent'),
    updateAcknowledged: forward('updateAcknowledged'),
    storeBatch: forward('storeBatch'),
    compaction: forward('compaction'),
    error: forward('error'),
  };
}

export type CoreObserver = Required<ServerObserver>;
