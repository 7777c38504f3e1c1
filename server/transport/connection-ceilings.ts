/**
 * Server-wide connection ceilings: client connections (engine.io) in total and per address.
 *
 * Security: every other limit is per connection, so a client that opens many connections
 * multiplies its allowance. These ceilings are checked at the engine.io handshake, before a
 * connection exists: a refused client gets HTTP 403 and its Socket.io reconnection backoff
 * retries later (a full server may have room again). Behind a reverse proxy every client shares the
 * proxy's address: set `trustProxy` so the ceiling applies to the address the proxy forwards.
 */
import createDebug from 'debug';
import type { IncomingMessage } from 'node:http';
import { ErrorCodes } from '../../shared/errors.js';
import type { CoreObserver } from '../core/observer.js';
import type { QuireIo } from './types.js';

const debug = createDebug('quire:server:connection-ceilings');

export interface ConnectionCeilings {
  maxConnections: number;
  maxConnectionsPerAddress: number;
  /** Use the last address of X-Forwarded-For (the one the proxy in front of quire added). */
  trustProxy: boolean;
}

type AllowRequest = (req: IncomingMessage, callback: (error: string | null | undefined, success: boolean) => void) => void;

interface EngineInternals {
  opts: { allowRequest?: AllowRequest };
  clientsCount: number;
  on(event: 'connection', listener: (conn: { request: IncomingMessage; once(event: 'close', listener: () => void): void }) => void): void;
}

export function clientAddress(req: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = req.headers['x-forwarded-for'];
    const list = (Array.isArray(forwarded) ? forwarded.join(',') : (forwarded ?? ''))
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const last = list.at(-1);
    if (last !== undefined) return last;
  }
  return req.socket.remoteAddress ?? 'unknown';
}

/** Installs the ceilings in front of whatever `allowRequest` the engine already has. */
export function limitConnections(io: QuireIo, ceilings: ConnectionCeilings, observer: CoreObserver): { perAddress: Map<string, number> } {
  const engine = io.engine as unknown as EngineInternals;
  const perAddress = new Map<string, number>();
  const previous = engine.opts.allowRequest;
  const refuse = (callback: Parameters<AllowRequest>[1], code: typeof ErrorCodes.TOO_MANY_CONNECTIONS, why: string) => {
    debug('refused a connection: %s', why);
    observer.error({ docName: null, code, operation: 'handshake' });
    callback(code, false);
  };
  engine.opts.allowRequest = (req, callback) => {
    if (engine.clientsCount >= ceilings.maxConnections) return refuse(callback, ErrorCodes.TOO_MANY_CONNECTIONS, 'server full');
    const address = clientAddress(req, ceilings.trustProxy);
    if ((perAddress.get(address) ?? 0) >= ceilings.maxConnectionsPerAddress) {
      return refuse(callback, ErrorCodes.TOO_MANY_CONNECTIONS, `too many from ${address}`);
    }
    if (previous !== undefined) previous(req, callback);
    else callback(null, true);
  };
  engine.on('connection', (conn) => {
    const address = clientAddress(conn.request, ceilings.trustProxy);
    perAddress.set(address, (perAddress.get(address) ?? 0) + 1);
    conn.once('close', () => {
      const left = (perAddress.get(address) ?? 1) - 1;
      if (left <= 0) perAddress.delete(address);
      else perAddress.set(address, left);
    });
  });
  return { perAddress };
}
