import type { BroadcastEvent, DocumentChannel } from '../core/fan-out.js';
import type { QuireNamespace } from './types.js';

/**
 * Broadcasts for one document through its Socket.io namespace. Socket.io creates a child namespace
 * per document on first connection and drops it when empty, so the channel looks the current one
 * up at send time instead of holding it.
 *
 * The excluded senders are not assumed to be present: a sender may have left in the turn between
 * its message and this broadcast (sent an edit and closed the tab), and what it sent must still
 * reach everyone who is here. So receivers are counted among the sockets present now.
 */
export function namespaceChannel(
  current: () => QuireNamespace | undefined,
  /** Told what went out: one copy's size and how many sockets received it (metrics). */
  onSent: (event: BroadcastEvent, bytes: number, receivers: number) => void = () => {},
): DocumentChannel {
  return {
    broadcast(event, payload, exceptIds) {
      const nsp = current();
      if (nsp === undefined) return;
      const present = exceptIds.filter((id) => nsp.sockets.has(id));
      const receivers = nsp.sockets.size - present.length;
      if (receivers <= 0) return;
      if (present.length === 0) nsp.emit(event, payload);
      else nsp.except(present).emit(event, payload);
      onSent(event, payload.byteLength, receivers);
    },
    sendTo(connectionId, event, payload) {
      const nsp = current();
      if (nsp === undefined || !nsp.sockets.has(connectionId)) return;
      // Through the room every socket has of its own id, so the adapter writes it as one frame.
      nsp.to(connectionId).emit(event, payload);
      onSent(event, payload.byteLength, 1);
    },
  };
}
