/**
 * One socket on one document: validates what the client sends, hands it to the document, answers.
 * Nothing a client sends can throw out of here: every handler catches and answers with a code.
 *
 * Order of checks in each handler, cheapest first: the connection's rate limit (so a flood costs
 * nothing but the check), then the payload's type and size, then access, then decoding.
 */
import createDebug from 'debug';
import { ackError, ackOk } from '../../shared/ack.js';
import { type ErrorInfo, ErrorCodes, QuireError, errorInfo } from '../../shared/errors.js';
import { isUpdatePartHeader } from '../../shared/protocol/parts.js';
import { decodeSyncFrameType } from '../../shared/protocol/sync.js';
import { ClientSession } from '../core/client-session.js';
import type { CoreObserver, ErrorOperation } from '../core/observer.js';
import type { ConnectionRef } from '../core/origins.js';
import type { DocumentRegistry } from '../core/registry.js';
import type { ConnectionBudgets } from './budgets.js';
import { DocumentLease } from './document-lease.js';
import { isBinary, isCallback } from './payloads.js';
import { expireSession } from './session-expiry.js';
import type { QuireSocket } from './types.js';
import { type ConnectionVersions, noteClientChange, versionHandlers, watchLastClient } from './version-handlers.js';

const debug = createDebug('quire:server:connection');

function toInfo(error: unknown): ErrorInfo {
  if (error instanceof QuireError) return error.toInfo();
  return errorInfo(ErrorCodes.INTERNAL);
}

export function handleConnection(
  socket: QuireSocket,
  registry: DocumentRegistry,
  budgets: ConnectionBudgets,
  observer: CoreObserver,
  versions?: ConnectionVersions,
): void {
  const { docName, access, sessionKey, writerKeys, ownClientIds } = socket.data;
  const connection: ConnectionRef = {
    id: socket.id,
    access,
    sessionKey,
    writerKeys,
    ...(ownClientIds === undefined ? {} : { ownClientIds }),
  };
  const { limits } = budgets;
  const budget = budgets.of(socket);
  budgets.attach(socket);
  const lease = new DocumentLease(registry, docName);
  const session = new ClientSession(connection, () => lease.get(), limits, {
    reserve: (bytes) => budget.reserveAssembly(bytes),
    release: (bytes) => budget.releaseAssembly(bytes),
  });
  // Start loading now, so the handshake that follows finds the document ready sooner.
  lease.get().catch(() => {});
  const cancelExpiry = expireSession(socket);
  debug('%s joined %s (%s)', socket.id, docName, access);
  observer.connectionOpened({ docName, transport: socket.conn.transport.name });

  /** Runs a handler; whatever it throws becomes an error ack (or a notice when there is no ack). */
  const guard = (name: ErrorOperation, work: (reply: (info: ErrorInfo | null, data?: object) => void) => Promise<void>, ack: unknown) => {
    // A connection closed for abuse may still have messages in flight: they get no answer.
    if (budget.closed) return;
    const reply = (info: ErrorInfo | null, data: object = {}) => {
      if (info !== null && budgets.refused(socket, info)) {
        observer.error({ docName, code: ErrorCodes.POLICY_VIOLATION, operation: name });
        return;
      }
      if (isCallback(ack)) ack(info === null ? ackOk(data) : ackError(info));
      else if (info !== null) socket.emit('notice', info);
    };
    work(reply).catch((error: unknown) => {
      const info = toInfo(error);
      if (info.code === ErrorCodes.INTERNAL) debug('%s on %s failed: %O', name, docName, error);
      // Only unexpected failures carry their cause: a client's bad input is described by its code.
      const cause = error instanceof QuireError ? undefined : error;
      observer.error({ docName, code: info.code, operation: name, cause });
      reply(info);
    });
  };

  /** Set by each answered sync request: the next step 2 is the client's catch-up. */
  let catchUpExpected = false;
  /** The id of a catch-up arriving in parts: its parts spend from the catch-up bytes too. */
  let catchUpPartsId: number | null = null;

  const handlers: Record<string, (...args: unknown[]) => void> = {
    'sync-step-1': (frame: unknown, ack: unknown) =>
      guard(
        'sync-step-1',
        async (reply) => {
          if (!budget.allow('syncs')) throw new QuireError(ErrorCodes.RATE_LIMITED);
          if (!isBinary(frame) || !isCallback(ack)) throw new QuireError(ErrorCodes.BAD_PAYLOAD);
          observer.messageReceived({ docName, kind: 'sync', bytes: frame.byteLength });
          const answer = await session.syncStep1(frame);
          reply(null, answer);
          catchUpExpected = access === 'write';
          catchUpPartsId = null;
          observer.messageSent({ docName, kind: 'sync', bytes: answer.step2.byteLength + answer.step1.byteLength, receivers: 1 });
          // The joiner sees who is here right after its document.
          const presence = (await lease.get()).encodeFullAwareness();
          if (presence !== null) socket.emit('awareness', presence);
        },
        ack,
      ),

    update: (frame: unknown, ack: unknown) =>
      guard(
        'update',
        async (reply) => {
          const bytes = isBinary(frame) ? frame.byteLength : 0;
          // The step 2 answering our sync reply is the client's catch-up, counted apart.
          const catchUp = catchUpExpected && isBinary(frame) && isStep2Frame(frame);
          if (catchUp) catchUpExpected = false;
          if (!budget.allowUpdate(Math.min(bytes, limits.maxUpdateBytes), catchUp)) throw new QuireError(ErrorCodes.RATE_LIMITED);
          if (!isBinary(frame)) throw new QuireError(ErrorCodes.BAD_PAYLOAD);
          const received = performance.now();
          observer.messageReceived({ docName, kind: 'update', bytes: frame.byteLength });
          await session.update(frame);
          noteClientChange(socket, versions);
          reply(null);
          observer.updateAcknowledged({ docName, durationMs: performance.now() - received });
        },
        ack,
      ),

    // Parts count against the same limits as updates: one message and its bytes each.
    'update-part': (header: unknown, part: unknown, ack: unknown) =>
      guard(
        'update',
        async (reply) => {
          const bytes = isBinary(part) ? part.byteLength : 0;
          const valid = isUpdatePartHeader(header) && isBinary(part);
          // A catch-up too large for one message: its first part starts with the step 2 frame type.
          if (valid && header.index === 0 && catchUpExpected && isStep2Frame(part)) {
            catchUpExpected = false;
            catchUpPartsId = header.id;
          }
          const catchUp = valid && catchUpPartsId === header.id;
          if (!budget.allowUpdate(Math.min(bytes, limits.maxUpdateBytes), catchUp)) throw new QuireError(ErrorCodes.RATE_LIMITED);
          if (!valid) throw new QuireError(ErrorCodes.BAD_PAYLOAD);
          const received = performance.now();
          observer.messageReceived({ docName, kind: 'update', bytes: part.byteLength });
          await session.updatePart(header, part);
          if (header.final) noteClientChange(socket, versions);
          reply(null);
          if (header.final) observer.updateAcknowledged({ docName, durationMs: performance.now() - received });
        },
        ack,
      ),

    awareness: (update: unknown, ack?: unknown) =>
      guard(
        'awareness',
        async (reply) => {
          if (!budget.allow('awareness')) throw new QuireError(ErrorCodes.RATE_LIMITED);
          if (!isBinary(update)) throw new QuireError(ErrorCodes.BAD_PAYLOAD);
          observer.messageReceived({ docName, kind: 'awareness', bytes: update.byteLength });
          if (update.byteLength > limits.maxAwarenessBytes) throw new QuireError(ErrorCodes.AWARENESS_TOO_LARGE);
          const doc = await lease.get();
          // The socket left while its document loaded: its presence would be a ghost nobody removes.
          if (lease.isReleased) return;
          const { refused } = doc.applyClientAwareness(connection, update);
          if (refused > 0) throw new QuireError(ErrorCodes.AWARENESS_NOT_OWNED);
          if (isCallback(ack)) reply(null);
        },
        ack,
      ),
  };
  if (versions !== undefined) watchLastClient(socket, versions);
  let versionTable: Record<string, (...args: unknown[]) => void> | null = null;
  const handlerFor = (event: string): ((...args: unknown[]) => void) | undefined => {
    if (Object.hasOwn(handlers, event)) return handlers[event];
    if (versions === undefined || !event.startsWith('versions:')) return undefined;
    versionTable ??= versionHandlers(socket, versions, budget, guard);
    return Object.hasOwn(versionTable, event) ? versionTable[event] : undefined;
  };

  // Every event is taken as it is read, through `onAny`: Socket.io emits ordinary listeners a tick
  // later and drops them when the socket disconnected meanwhile, so an edit followed at once by a
  // close (a tab closed right after typing) would be lost for everyone else. Events nobody handles
  // would be dropped silently; a client sending them is broken or probing.
  socket.onAny((event: unknown, ...args: unknown[]) => {
    const handler = typeof event === 'string' ? handlerFor(event) : undefined;
    if (handler !== undefined) {
      handler(...args);
      return;
    }
    guard(
      'unknown-event',
      async () => {
        throw new QuireError(ErrorCodes.BAD_PAYLOAD, 'Unknown event.');
      },
      args.at(-1),
    );
  });

  socket.on('disconnect', (reason) => {
    debug('%s left %s (%s)', socket.id, docName, reason);
    cancelExpiry();
    session.close();
    budgets.detach(socket);
    observer.connectionClosed({ docName, reason });
    // Awareness this socket sent while its document loaded is dropped (see the awareness handler);
    // what it set before is removed for everyone now.
    lease.current()?.removeConnection(connection);
    lease.release();
  });
}

/** Whether a sync frame is a step 2, read from its first byte(s) without decoding the rest. */
function isStep2Frame(frame: Uint8Array): boolean {
  try {
    return decodeSyncFrameType(frame) === 'step2';
  } catch {
    return false;
  }
}
