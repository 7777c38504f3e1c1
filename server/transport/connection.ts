/**
 * One socket on one document: validates what the client sends, hands it to the document, answers.
 * Nothing a client sends can throw out of here: every handler catches and answers with a code.
 */
import createDebug from 'debug';
import { ackError, ackOk } from '../../shared/ack.js';
import { type ErrorInfo, ErrorCodes, QuireError, errorInfo } from '../../shared/errors.js';
import { decodeSyncFrame } from '../../shared/protocol/sync.js';
import type { ConnectionRef } from '../core/origins.js';
import type { DocumentRegistry } from '../core/registry.js';
import { DocumentLease } from './document-lease.js';
import { isBinary, isCallback } from './payloads.js';
import type { QuireSocket } from './types.js';

const debug = createDebug('quire:server:connection');

export interface ConnectionLimits {
  maxUpdateBytes: number;
  maxAwarenessBytes: number;
}

function toInfo(error: unknown): ErrorInfo {
  if (error instanceof QuireError) return error.toInfo();
  return errorInfo(ErrorCodes.INTERNAL);
}

export function handleConnection(
  socket: QuireSocket,
  registry: DocumentRegistry,
  limits: ConnectionLimits,
): void {
  const { docName, access, sessionKey } = socket.data;
  const connection: ConnectionRef = { id: socket.id, access, sessionKey };
  const lease = new DocumentLease(registry, docName);
  // Start loading now, so the handshake that follows finds the document ready sooner.
  lease.get().catch(() => {});
  debug('%s joined %s (%s)', socket.id, docName, access);

  /** Runs a handler; whatever it throws becomes an error ack (or a notice when there is no ack). */
  const guard = (name: string, work: (reply: (info: ErrorInfo | null, data?: object) => void) => Promise<void>, ack: unknown) => {
    const reply = (info: ErrorInfo | null, data: object = {}) => {
      if (isCallback(ack)) ack(info === null ? ackOk(data) : ackError(info));
      else if (info !== null) socket.emit('notice', info);
    };
    work(reply).catch((error: unknown) => {
      const info = toInfo(error);
      if (info.code === ErrorCodes.INTERNAL) debug('%s on %s failed: %O', name, docName, error);
      reply(info);
    });
  };

  socket.on('sync-step-1', (frame: unknown, ack: unknown) =>
    guard('sync-step-1', async (reply) => {
      if (!isBinary(frame) || !isCallback(ack)) throw new QuireError(ErrorCodes.BAD_PAYLOAD);
      const decoded = decodeFrameOrThrow(frame);
      if (decoded.type !== 'step1') throw new QuireError(ErrorCodes.BAD_PAYLOAD, 'Expected a sync step 1 frame.');
      const doc = await lease.get();
      const answer = doc.syncReply(decoded.payload);
      reply(null, { ...answer, access });
      // The joiner sees who is here right after its document.
      const presence = doc.encodeFullAwareness();
      if (presence !== null) socket.emit('awareness', presence);
    }, ack),
  );

  socket.on('update', (frame: unknown, ack: unknown) =>
    guard('update', async (reply) => {
      if (!isBinary(frame)) throw new QuireError(ErrorCodes.BAD_PAYLOAD);
      if (frame.byteLength > limits.maxUpdateBytes) throw new QuireError(ErrorCodes.UPDATE_TOO_LARGE);
      if (access !== 'write') throw new QuireError(ErrorCodes.READ_ONLY);
      const decoded = decodeFrameOrThrow(frame);
      if (decoded.type === 'step1') throw new QuireError(ErrorCodes.BAD_PAYLOAD, 'Expected an update frame.');
      const doc = await lease.get();
      await doc.applyClientUpdate(connection, decoded.payload);
      reply(null);
    }, ack),
  );

  socket.on('awareness', (update: unknown, ack?: unknown) =>
    guard('awareness', async (reply) => {
      if (!isBinary(update)) throw new QuireError(ErrorCodes.BAD_PAYLOAD);
      if (update.byteLength > limits.maxAwarenessBytes) throw new QuireError(ErrorCodes.AWARENESS_TOO_LARGE);
      const doc = await lease.get();
      const { refused } = doc.applyClientAwareness(connection, update);
      if (refused > 0) throw new QuireError(ErrorCodes.AWARENESS_NOT_OWNED);
      if (isCallback(ack)) reply(null);
    }, ack),
  );

  socket.on('disconnect', (reason) => {
    debug('%s left %s (%s)', socket.id, docName, reason);
    void lease.current().then((doc) => {
      doc?.removeConnection(connection);
      lease.release();
    });
  });
}

function decodeFrameOrThrow(frame: Uint8Array) {
  try {
    return decodeSyncFrame(frame);
  } catch {
    throw new QuireError(ErrorCodes.MALFORMED_UPDATE, 'The sync frame could not be decoded.');
  }
}
