import type { Contribution } from './turn-buffer.js';

export type BroadcastEvent = 'update' | 'awareness';

/**
 * Where a document's broadcasts go. The transport implements it with one Socket.io room broadcast
 * per call, which encodes the packet once for every receiver.
 */
export interface DocumentChannel {
  /** Sends to every connection of the document except the listed ones. */
  broadcast(event: BroadcastEvent, payload: Uint8Array, exceptIds: readonly string[]): void;
  /** Sends to one connection. */
  sendTo(connectionId: string, event: BroadcastEvent, payload: Uint8Array): void;
}

/**
 * Delivers one turn's contributions without echoing anything to its sender: one payload with
 * everything for the connections that sent nothing, and for each sender one with what the others
 * sent. Usually a turn has one sender or none, so this is a single broadcast.
 */
export function fanOut<T>(
  contributions: readonly Contribution<T>[],
  build: (values: T[]) => Uint8Array | null,
  event: BroadcastEvent,
  channel: DocumentChannel,
): void {
  const senders = [...new Set(contributions.map((c) => c.senderId))].filter((id): id is string => id !== null);
  const everything = build(contributions.map((c) => c.value));
  if (everything !== null) channel.broadcast(event, everything, senders);
  for (const sender of senders) {
    const others = contributions.filter((c) => c.senderId !== sender).map((c) => c.value);
    if (others.length === 0) continue;
    const payload = build(others);
    if (payload !== null) channel.sendTo(sender, event, payload);
  }
}
