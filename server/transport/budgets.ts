/**
 * Connects Socket.io sockets to their connection's budget. Socket.io gives each engine.io
 * connection one `Client` shared by all its namespace sockets; the budget is keyed by it (weakly,
 * so a closed connection's budget goes with it).
 */
import createDebug from 'debug';
import { type ErrorInfo, ErrorCodes, errorInfo } from '../../shared/errors.js';
import { ConnectionBudget } from '../limits/connection-budget.js';
import type { ConnectionLimits } from '../limits/types.js';
import { type EngineConnection, guardOutgoing } from './outgoing-guard.js';
import type { QuireSocket } from './types.js';

const debug = createDebug('quire:server:limits');

interface Entry {
  budget: ConnectionBudget;
  /** The connection's admitted document sockets, to tell each of them why it is closed. */
  sockets: Set<QuireSocket>;
  outgoingGuarded: boolean;
}

export class ConnectionBudgets {
  private readonly entries = new WeakMap<object, Entry>();

  constructor(
    readonly limits: ConnectionLimits,
    /** Told when a connection is closed for not reading (metrics, logs). */
    private readonly onSlowConsumer: (socket: QuireSocket) => void = () => {},
  ) {}

  of(socket: QuireSocket): ConnectionBudget {
    return this.entry(socket).budget;
  }

  /** A socket was admitted; it holds one document slot until it disconnects. */
  attach(socket: QuireSocket): void {
    const entry = this.entry(socket);
    entry.sockets.add(socket);
    if (!entry.outgoingGuarded) {
      entry.outgoingGuarded = true;
      guardOutgoing(socket.conn as unknown as EngineConnection, this.limits.maxOutgoingBytes, (close) => {
        entry.budget.closed = true;
        this.onSlowConsumer(socket);
        const notice = errorInfo(ErrorCodes.SLOW_CONSUMER);
        for (const member of entry.sockets) member.emit('notice', notice);
        close();
      });
    }
  }

  detach(socket: QuireSocket): void {
    const entry = this.entry(socket);
    if (entry.sockets.delete(socket)) entry.budget.releaseDocument();
  }

  /**
   * Records that a message from this connection was refused with `info`. When the connection keeps
   * sending what is refused, every one of its documents is told POLICY_VIOLATION and the connection
   * is closed. Returns true when it was closed (the caller then sends nothing more).
   */
  refused(socket: QuireSocket, info: ErrorInfo): boolean {
    const entry = this.entry(socket);
    if (entry.budget.closed) return true;
    if (!entry.budget.violation(info.code)) return false;
    entry.budget.closed = true;
    debug('closing the connection of %s from %s: too many refused messages (last: %s)', socket.id, socket.handshake.address, info.code);
    const notice = errorInfo(ErrorCodes.POLICY_VIOLATION);
    for (const member of entry.sockets) member.emit('notice', notice);
    // Socket.io's own close sends each namespace a DISCONNECT ("io server disconnect") first; with no
    // admitted socket there is nothing to tell, so the transport is simply closed. Either way,
    // engine.io flushes what is queued (the notices) before the transport closes.
    const admitted = [...entry.sockets].find((member) => member.connected);
    if (admitted !== undefined) admitted.disconnect(true);
    else socket.conn.close();
    return true;
  }

  private entry(socket: QuireSocket): Entry {
    let entry = this.entries.get(socket.client);
    if (entry === undefined) {
      entry = { budget: new ConnectionBudget(this.limits), sockets: new Set(), outgoingGuarded: false };
      this.entries.set(socket.client, entry);
    }
    return entry;
  }
}
