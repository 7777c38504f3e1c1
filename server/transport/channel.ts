import type { DocumentChannel } from '../core/fan-out.js';
import type { QuireNamespace } from './types.js';

/**
 * Broadcasts for one document through its Socket.io namespace. Socket.io creates a child namespace
 * per document on first connection and drops it when empty, so the channel looks the current one
 * up at send time instead of holding it.
 */
export function namespaceChannel(current: () => QuireNamespace | undefined): DocumentChannel {
  return {
    broadcast(event, payload, exceptIds) {
      const nsp = current();
      if (nsp === undefined || nsp.sockets.size === 0) return;
      if (exceptIds.length === 0) nsp.emit(event, payload);
      else if (nsp.sockets.size > exceptIds.length) nsp.except([...exceptIds]).emit(event, payload);
    },
    sendTo(connectionId, event, payload) {
      current()?.sockets.get(connectionId)?.emit(event, payload);
    },
  };
}
