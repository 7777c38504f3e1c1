/**
 * Ends a socket's session when its credentials expire.
 *
 * Security: a token is checked when a document is opened; without this, a connection opened with
 * a short-lived token would keep its access for as long as it stays up, so revoking access by
 * issuing short-lived tokens would not work. The client is told (TOKEN_EXPIRED) and disconnected;
 * the provider reconnects and asks its token function for a fresh token.
 */
import createDebug from 'debug';
import { ErrorCodes, errorInfo } from '../../shared/errors.js';
import type { QuireSocket } from './types.js';

const debug = createDebug('quire:server:session-expiry');

/** setTimeout's longest delay; later expiries are re-armed in steps. */
const MAX_TIMER_MS = 2_147_483_647;

/** When the principal's access ends (ms since the epoch), or null when it does not. */
export function principalExpiry(principal: unknown): number | null {
  if (typeof principal !== 'object' || principal === null) return null;
  const expiresAt = (principal as { expiresAt?: unknown }).expiresAt;
  return typeof expiresAt === 'number' && Number.isFinite(expiresAt) ? expiresAt : null;
}

/** Disconnects the socket at its principal's expiry; returns a cancel function. */
export function expireSession(socket: QuireSocket, now: () => number = Date.now): () => void {
  const expiresAt = principalExpiry(socket.data.principal);
  if (expiresAt === null) return () => {};
  let timer: NodeJS.Timeout | null = null;
  const arm = (): void => {
    const remaining = expiresAt - now();
    if (remaining > 0) {
      // Not unref'd: Node keeps the timer list of an unref'd timer's duration after clearTimeout,
      // and every socket's duration is different, so each connection would leave a list behind
      // until its expiry time. The socket keeps the process alive anyway; disconnect clears this.
      timer = setTimeout(arm, Math.min(remaining, MAX_TIMER_MS));
      return;
    }
    debug('%s on %s: credentials expired', socket.id, socket.nsp.name);
    socket.emit('notice', errorInfo(ErrorCodes.TOKEN_EXPIRED));
    socket.disconnect();
  };
  arm();
  return () => {
    if (timer !== null) clearTimeout(timer);
  };
}
