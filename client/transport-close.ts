/**
 * Whether a connection closed because a message exceeded what the server (or a proxy in front of
 * it) accepts: WebSocket close code 1009 ("message too big"), or HTTP 413 on a long-polling POST.
 * Socket.io hands these details to the socket's 'disconnect' listener.
 */
const WEBSOCKET_MESSAGE_TOO_BIG = 1009;
const HTTP_PAYLOAD_TOO_LARGE = 413;

export function isPayloadTooLarge(details: unknown): boolean {
  if (typeof details !== 'object' || details === null) return false;
  const { description, context } = details as { description?: unknown; context?: unknown };
  if (description === HTTP_PAYLOAD_TOO_LARGE) return true;
  const code = typeof context === 'object' && context !== null ? (context as { code?: unknown }).code : undefined;
  return code === WEBSOCKET_MESSAGE_TOO_BIG;
}
