/**
 * Hostile clients for the hostile-input suite. Each sends what it is given, waits for the server's
 * answer where there is one, records it, and reconnects when the server closes its connection.
 */
import { Manager } from 'socket.io-client';
import { isAck } from '../../../shared/ack.js';
import type { ErrorInfo } from '../../../shared/errors.js';
import { type RawSocket, rawSocket, whenConnected } from '../raw-socket.js';
import type { BadMessage } from './bad-payloads.js';
import type { BadJoin } from './bad-joins.js';

/** What the run saw, for assertions and for the report on failure. */
export class Tally {
  inputs = 0;
  reconnects = 0;
  readonly codes = new Map<string, number>();
  readonly outcomes = new Map<string, number>();
  readonly problems: string[] = [];

  count(map: Map<string, number>, key: string): void {
    map.set(key, (map.get(key) ?? 0) + 1);
  }

  problem(description: string): void {
    if (this.problems.length < 20) this.problems.push(description);
  }

  summary(): string {
    const list = (map: Map<string, number>) =>
      [...map]
        .sort()
        .map(([k, v]) => `${k}=${v}`)
        .join(' ');
    return `inputs=${this.inputs} reconnects=${this.reconnects}\n  outcomes: ${list(this.outcomes)}\n  codes: ${list(this.codes)}`;
  }
}

export type Outcome = { kind: 'ok' } | { kind: 'refused'; code: string } | { kind: 'closed' } | { kind: 'sent' };

/** The server answers within milliseconds; a missing answer is a bug, reported as a problem. */
const ACK_TIMEOUT_MS = 5_000;

/** A connection to one document that sends bad messages and keeps reconnecting when closed. */
export class PayloadAttacker {
  private socket: RawSocket | null = null;

  constructor(
    private readonly url: string,
    private readonly docName: string,
    private readonly token: string,
    private readonly session: string,
    private readonly tally: Tally,
  ) {}

  private async connected(): Promise<RawSocket> {
    if (this.socket?.connected) return this.socket;
    if (this.socket !== null) {
      this.socket.close();
      this.tally.reconnects++;
    }
    const socket = rawSocket(this.url, this.docName, { token: this.token, session: this.session });
    socket.on('notice', (info: ErrorInfo) => {
      this.tally.count(this.tally.codes, info.code);
      if (info.code === 'INTERNAL') this.tally.problem(`INTERNAL notice on ${this.docName}`);
    });
    this.socket = socket;
    return whenConnected(socket);
  }

  /** Sends a message; with an ack, resolves with the server's answer. */
  async send(message: BadMessage): Promise<Outcome> {
    const socket = await this.connected();
    if (!message.withAck) {
      socket.emit(message.event, ...message.args);
      return this.record(message, { kind: 'sent' });
    }
    let reply: unknown;
    try {
      reply = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck(message.event, ...message.args);
    } catch (error) {
      if (!socket.connected) return this.record(message, { kind: 'closed' });
      this.tally.problem(`no answer to ${message.kind} (${message.event}): ${String(error)}`);
      return this.record(message, { kind: 'closed' });
    }
    if (!isAck(reply)) {
      this.tally.problem(`malformed ack to ${message.kind}: ${JSON.stringify(reply).slice(0, 200)}`);
      return this.record(message, { kind: 'refused', code: 'MALFORMED_ACK' });
    }
    if (reply.ok) return this.record(message, { kind: 'ok' });
    this.tally.count(this.tally.codes, reply.code);
    if (reply.code === 'INTERNAL') this.tally.problem(`INTERNAL for ${message.kind} (${message.event})`);
    return this.record(message, { kind: 'refused', code: reply.code });
  }

  close(): void {
    this.socket?.close();
    this.socket = null;
  }

  private record(message: BadMessage, outcome: Outcome): Outcome {
    this.tally.count(this.tally.outcomes, `${message.kind}:${outcome.kind}`);
    return outcome;
  }
}

/**
 * One engine.io connection that writes raw Socket.io packets: namespace joins with any name and
 * auth, and malformed packets no client library would produce.
 */
export class RawPacketAttacker {
  private manager: Manager | null = null;
  private readonly waiters = new Set<{ prefixes: string[]; resolve: (outcome: string) => void }>();

  constructor(
    private readonly url: string,
    private readonly tally: Tally,
  ) {}

  private async open(): Promise<Manager> {
    if (this.manager !== null && this.manager.engine?.readyState === 'open') return this.manager;
    if (this.manager !== null) {
      this.manager.engine?.close();
      this.tally.reconnects++;
    }
    const manager = new Manager(this.url, { transports: ['websocket'], reconnection: false, autoConnect: false });
    this.manager = manager;
    await new Promise<void>((resolve, reject) => manager.open((error) => (error ? reject(error) : resolve())));
    manager.engine.on('message', (data: unknown) => {
      if (typeof data !== 'string') return;
      for (const waiter of this.waiters) {
        if (waiter.prefixes.some((prefix) => data.startsWith(prefix))) {
          this.waiters.delete(waiter);
          waiter.resolve(data[0] === '0' ? 'admitted' : 'refused');
          return;
        }
      }
    });
    manager.engine.on('close', () => {
      for (const waiter of this.waiters) waiter.resolve('closed');
      this.waiters.clear();
    });
    return manager;
  }

  /** Sends a CONNECT and waits for the answer: admitted, refused, closed (the connection) or silent. */
  private async connect(manager: Manager, nsp: string, auth: unknown): Promise<string> {
    // The main namespace is written without a name; others as "<nsp>,".
    const head = nsp === '/' ? '' : `${nsp},`;
    const answer = new Promise<string>((resolve) => {
      const waiter = { prefixes: [`0${head}`, `4${head}`], resolve };
      this.waiters.add(waiter);
      setTimeout(() => {
        if (this.waiters.delete(waiter)) resolve('silent');
      }, 2_000).unref();
    });
    manager.engine.write(`0${head}${auth === undefined ? '' : JSON.stringify(auth)}`);
    const outcome = await answer;
    if (outcome === 'admitted') manager.engine.write(`1${head}`); // leave again, freeing the slot
    return outcome;
  }

  /** Tries a join; returns whether the server certainly processed it (it answered). */
  async join(join: BadJoin): Promise<boolean> {
    const outcome = await this.connect(await this.open(), join.namespace, join.auth);
    this.tally.count(this.tally.outcomes, `join-${join.kind}:${outcome}`);
    if (outcome === 'admitted' && !join.mayBeAdmitted)
      this.tally.problem(`admitted a bad join: ${join.namespace.slice(0, 80)} ${JSON.stringify(join.auth)?.slice(0, 80)}`);
    if (outcome === 'silent') this.tally.problem(`no answer to a join of ${join.namespace.slice(0, 80)}`);
    return outcome !== 'closed';
  }

  /**
   * Writes a raw engine.io message (string or binary) that is not a well-formed Socket.io packet,
   * then a join the server always refuses: its answer (or the connection closing) shows that the
   * server has processed the bad packet.
   */
  async raw(kind: string, data: string | Uint8Array): Promise<void> {
    const manager = await this.open();
    manager.engine.write(data as string);
    const outcome = await this.connect(manager, '/doc/%', { protocol: 0 });
    this.tally.count(this.tally.outcomes, `raw-${kind}:${outcome === 'closed' ? 'closed' : 'ignored'}`);
    if (outcome === 'silent') this.tally.problem(`no answer after a raw ${kind} packet`);
  }

  close(): void {
    this.manager?.engine?.close();
    this.manager = null;
  }
}
