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
import { decodeSyncFrame, decodeSyncFrameType } from '../../shared/protocol/sync.js';
import type { CoreObserver, ErrorOperation } from '../core/observer.js';
import type { ConnectionRef } from '../core/origins.js';
import type { DocumentRegistry } from '../core/registry.js';
import type { ConnectionBudgets } from './budgets.js';
import { DocumentLease } from './document-lease.js';
import { isBinary, isCallback } from './payloads.js';
import { expireSession } from './session-expiry.js';
import type { QuireSocket } from './types.js';

const debug = createDebug('quire:server:connection');

function toInfo(error: unknown): ErrorInfo {
  if (error instanceof QuireError) return error.toInfo();
  return errorInfo(ErrorCodes.INTERNAL);
}

export function handleConnection(socket: QuireSocket, registry: DocumentRegistry, budgets: ConnectionBudgets, observer: CoreObserver): void {
  const { docName, access, sessionKey, writerKeys, ownClientIds } = socket.data;
  const connection: ConnectionRef = { id: socket.id, access, sessionKey, writerKeys, ...(ownClientIds === undefined ? {} : { ownClientIds }) };
  const { limits } = budgets;
  const budget = budgets.of(socket);
  budgets.attach(socket);
  const lease = new DocumentLease(registry, docName);
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

  const handlers: Record<string, (...args: unknown[]) => void> = {
    'sync-step-1': (frame: unknown, ack: unknown) =>
      guard('sync-step-1', async (reply) => {
        if (!budget.allow('syncs')) throw new QuireError(ErrorCodes.RATE_LIMITED);
        if (!isBinary(frame) || !isCallback(ack)) throw new QuireError(ErrorCodes.BAD_PAYLOAD);
        observer.messageReceived({ docName, kind: 'sync', bytes: frame.byteLength });
        const decoded = decodeFrameOrThrow(frame);
        if (decoded.type !== 'step1') throw new QuireError(ErrorCodes.BAD_PAYLOAD, 'Expected a sync step 1 frame.');
        const doc = await lease.get();
        const answer = doc.syncReply(decoded.payload);
        reply(null, { ...answer, access });
        catchUpExpected = access === 'write';
        observer.messageSent({ docName, kind: 'sync', bytes: answer.step2.byteLength + answer.step1.byteLength, receivers: 1 });
        // The joiner sees who is here right after its document.
        const presence = doc.encodeFullAwareness();
        if (presence !== null) socket.emit('awareness', presence);
      }, ack),

    update: (frame: unknown, ack: unknown) =>
      guard('update', async (reply) => {
        const bytes = isBinary(frame) ? frame.byteLength : 0;
        // The step 2 answering our sync reply is the client's catch-up, counted apart.
        const catchUp = catchUpExpected && isBinary(frame) && isStep2Frame(frame);
        if (catchUp) catchUpExpected = false;
        if (!budget.allowUpdate(Math.min(bytes, limits.maxUpdateBytes), catchUp)) throw new QuireError(ErrorCodes.RATE_LIMITED);
        if (!isBinary(frame)) throw new QuireError(ErrorCodes.BAD_PAYLOAD);
        const received = performance.now();
        observer.messageReceived({ docName, kind: 'update', bytes: frame.byteLength });
        if (frame.byteLength > limits.maxUpdateBytes) throw new QuireError(ErrorCodes.UPDATE_TOO_LARGE);
        if (access !== 'write') throw new QuireError(ErrorCodes.READ_ONLY);
        const decoded = decodeFrameOrThrow(frame);
        if (decoded.type === 'step1') throw new QuireError(ErrorCodes.BAD_PAYLOAD, 'Expected an update frame.');
        const doc = await lease.get();
        await doc.applyClientUpdate(connection, decoded.payload);
        reply(null);
        observer.updateAcknowledged({ docName, durationMs: performance.now() - received });
      }, ack),

    awareness: (update: unknown, ack?: unknown) =>
      guard('awareness', async (reply) => {
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
      }, ack),
  };

  // Every event is taken as it is read, through `onAny`: Socket.io emits ordinary listeners a tick
  // later and drops them when the socket disconnected meanwhile, so an edit followed at once by a
  // close (a tab closed right after typing) would be lost for everyone else. Events nobody handles
  // would be dropped silently; a client sending them is broken or probing.
  socket.onAny((event: unknown, ...args: unknown[]) => {
    const handler = typeof event === 'string' && Object.hasOwn(handlers, event) ? handlers[event] : undefined;
    if (handler !== undefined) {
      handler(...args);
      return;
    }
    guard('unknown-event', async () => {
      throw new QuireError(ErrorCodes.BAD_PAYLOAD, 'Unknown event.');
    }, args.at(-1));
  });

  socket.on('disconnect', (reason) => {
    debug('%s left %s (%s)', socket.id, docName, reason);
    cancelExpiry();
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

function decodeFrameOrThrow(frame: Uint8Array) {
  try {
    return decodeSyncFrame(frame);
  } catch {
    throw new QuireError(ErrorCodes.MALFORMED_UPDATE, 'The sync frame could not be decoded.');
  }
}
