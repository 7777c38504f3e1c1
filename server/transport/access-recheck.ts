/**
 * Re-runs `authorize` for open sessions, so access taken away after a client connected ends its
 * session, instead of lasting as long as the connection (or until the token's `exp`).
 *
 * Per session, the answer decides:
 * - unchanged: nothing happens;
 * - refused (anything but 'write' or 'read'): PERMISSION_DENIED notice, then the session ends; the
 *   provider reconnects, its handshake is refused with PERMISSION_DENIED, and it stops;
 * - changed ('write' ↔ 'read'): ACCESS_CHANGED notice, then the session ends; the provider
 *   reconnects and gets the new access (and re-syncs, keeping unsent edits queued);
 * - `authorize` threw: the session is kept and the failure reported (code INTERNAL, operation
 *   'recheck'). A permission service that is briefly down must not disconnect everyone.
 */
import createDebug from 'debug';
import { ErrorCodes, errorInfo } from '../../shared/errors.js';
import type { CoreObserver } from '../core/observer.js';
import type { Authorize } from './hooks.js';
import type { QuireSocket } from './types.js';

const debug = createDebug('quire:server:access-recheck');

/** Sessions checked at once: `authorize` may query a database. */
const CONCURRENCY = 32;

export interface RecheckResult {
  /** Sessions whose access was checked. */
  checked: number;
  /** Sessions ended because access was refused. */
  revoked: number;
  /** Sessions ended because access changed between write and read. */
  changed: number;
}

export async function recheckAccess(sockets: readonly QuireSocket[], authorize: Authorize, observer: CoreObserver): Promise<RecheckResult> {
  const result: RecheckResult = { checked: 0, revoked: 0, changed: 0 };
  const check = async (socket: QuireSocket): Promise<void> => {
    const { principal, docName, access } = socket.data;
    let granted: Awaited<ReturnType<Authorize>>;
    try {
      granted = await authorize(principal, docName);
    } catch (error) {
      observer.error({ docName, code: ErrorCodes.INTERNAL, operation: 'recheck', cause: error });
      return;
    }
    result.checked++;
    if (!socket.connected) return;
    if (granted !== 'write' && granted !== 'read') {
      debug('%s on %s: access revoked', socket.id, docName);
      result.revoked++;
      socket.emit('notice', errorInfo(ErrorCodes.PERMISSION_DENIED));
      socket.disconnect();
    } else if (granted !== access) {
      debug('%s on %s: access changed from %s to %s', socket.id, docName, access, granted);
      result.changed++;
      socket.emit('notice', errorInfo(ErrorCodes.ACCESS_CHANGED));
      socket.disconnect();
    }
  };
  for (let i = 0; i < sockets.length; i += CONCURRENCY) {
    await Promise.all(sockets.slice(i, i + CONCURRENCY).map(check));
  }
  return result;
}
