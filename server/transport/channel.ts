import type { BroadcastEvent, DocumentChannel } from '../core/fan-out.js';
import type { QuireNamespace } from './types.js';

/**
 * Broadcasts for one document through its Socket.io namespace. Socket.io creates a child namespace
 * per document on first connection and drops it when empty, so the channel looks the current one
 * up at send time instead of holding it.
 */
export function namespaceChannel(
  current: () => QuireNamespace | undefined,
  /** Told what went out: one copy's size and how many sockets received it (metrics). */
  onSent: (event: BroadcastEvent, bytes: number, receivers: number) => void = () => {},
): DocumentChannel {
  return {
    broadcast(event, payload, exceptIds) {
      const nsp = current();
      if (nsp === undefined || nsp.sockets.size === 0) return;
      // Senders are always sockets of this namespace, so the difference is the receiver count.
      const receivers = nsp.sockets.size - exceptIds.length;
      if (exceptIds.length === 0) nsp.emit(event, payload);
      else if (receivers > 0) nsp.except([...exceptIds]).emit(event, payload);
      if (receivers > 0) onSent(event, payload.byteLength, receivers);
    },
    sendTo(connectionId, event, payload) {
      const socket = current()?.sockets.get(connectionId);
      if (socket === undefined) return;
      socket.emit(event, payload);
      onSent(event, payload.byteLength, 1);
    },
  };
}
