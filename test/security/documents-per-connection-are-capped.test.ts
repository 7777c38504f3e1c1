import { afterEach, describe, expect, it } from 'vitest';
import { Manager } from 'socket.io-client';
import { docNamespace } from '../../shared/doc-name.js';
import type { ErrorInfo } from '../../shared/errors.js';
import { PROTOCOL_VERSION } from '../../shared/protocol/version.js';
import { type TestClient, connectClient, destroyClients } from '../helpers/clients.js';
import { type RawSocket, connectRaw, refusalOf, whenConnected } from '../helpers/raw-socket.js';
import { type RunningServer, startServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait-for.js';

describe('one connection may open only so many documents, and only so fast', () => {
  let running: RunningServer;
  let managers: Manager[] = [];
  let raw: RawSocket[] = [];
  let clients: TestClient[] = [];

  afterEach(async () => {
    destroyClients(clients);
    for (const socket of raw) socket.close();
    for (const manager of managers) manager.engine?.close();
    clients = [];
    raw = [];
    managers = [];
    await running?.close();
  });

  function manager(): Manager {
    const created = new Manager(running.url, { transports: ['websocket'], reconnection: false });
    managers.push(created);
    return created;
  }

  function open(on: Manager, name: string): RawSocket {
    return on.socket(docNamespace(name), { auth: { protocol: PROTOCOL_VERSION } });
  }

  it('refuses the document over the cap with TOO_MANY_DOCUMENTS and admits it once another closes', async () => {
    running = await startServer({ maxDocumentsPerConnection: 3 });
    const shared = manager();
    const sockets = await Promise.all(['a', 'b', 'c'].map((name) => whenConnected(open(shared, name))));
    const refusal = await refusalOf(open(shared, 'd'));
    expect(refusal.code).toBe('TOO_MANY_DOCUMENTS');
    // Refused opens do not hold a slot; a closed document gives its slot back.
    sockets[0]!.disconnect();
    await whenConnected(open(shared, 'd'));
    // Another connection is not affected by this one's documents.
    raw.push(await connectRaw(running.url, 'e'));
  });

  it('a provider on its own full connection retries with backoff and gets in once a slot frees', async () => {
    running = await startServer({ maxDocumentsPerConnection: 1 });
    // The application's own Manager: the provider may not move to another connection.
    const own = manager();
    const first = connectClient(running.url, 'first', { manager: own });
    await first.provider.whenSynced();
    const second = connectClient(running.url, 'second', { manager: own, reconnectionDelayMax: 200 });
    clients.push(second);
    const errors: ErrorInfo[] = [];
    second.provider.on('connection-error', (info) => errors.push(info));
    await waitFor(() => errors.length >= 2, 'refused and retried');
    expect(errors.every((info) => info.code === 'TOO_MANY_DOCUMENTS' && info.limit === 1)).toBe(true);
    destroyClients([first]);
    await second.provider.whenSynced();
  });

  it('refuses opens beyond the join rate with RATE_LIMITED, then closes a connection that keeps trying', async () => {
    // The join burst is never below the document cap (a reconnect reopens every document), so both are lowered.
    running = await startServer({
      maxDocumentsPerConnection: 4,
      rateLimits: { joins: { perSecond: 0.001, burst: 4 }, rateRefusals: { perSecond: 0.001, burst: 3 } },
    });
    const flooder = manager();
    const admitted = await Promise.all(['a', 'b', 'c', 'd'].map((name) => whenConnected(open(flooder, name))));
    expect(admitted).toHaveLength(4);
    const refusals: string[] = [];
    for (let i = 0; i < 3; i++) refusals.push((await refusalOf(open(flooder, `flood-${i}`))).code);
    expect(refusals).toEqual(['RATE_LIMITED', 'RATE_LIMITED', 'RATE_LIMITED']);
    let closed = false;
    flooder.on('close', () => (closed = true));
    const notices: ErrorInfo[] = [];
    admitted[0]!.on('notice', (info: ErrorInfo) => notices.push(info));
    open(flooder, 'one-too-many').connect();
    await waitFor(() => closed, 'connection closed');
    expect(notices.map((n) => n.code)).toEqual(['POLICY_VIOLATION']);
    expect(running.server.io.of('/doc/a').sockets.size).toBe(0);
  });

  it('a connection that keeps opening documents over the cap spends its joins and is closed', async () => {
    // TOO_MANY_DOCUMENTS is not held against a connection (an honest pool moves on), but each
    // refused open spends a join, and opens past the join budget are counted as rate refusals.
    running = await startServer({
      maxDocumentsPerConnection: 2,
      rateLimits: { joins: { perSecond: 0.001, burst: 10 }, rateRefusals: { perSecond: 0.001, burst: 5 } },
    });
    const flooder = manager();
    await Promise.all(['a', 'b'].map((name) => whenConnected(open(flooder, name))));
    let closed = false;
    const whenClosed = new Promise<string>((resolve) => flooder.on('close', () => resolve('closed')));
    void whenClosed.then(() => (closed = true));
    const refusals: string[] = [];
    // One open at a time: the server answers each before the next arrives.
    for (let i = 0; i < 40 && !closed; i++) {
      const socket = open(flooder, `over-${i}`);
      const outcome = await Promise.race([
        whenClosed,
        new Promise<string>((resolve) => {
          socket.once('connect', () => resolve('admitted'));
          socket.once('connect_error', (error: Error & { data?: ErrorInfo }) => resolve(error.data?.code ?? 'none'));
        }),
      ]);
      if (outcome !== 'closed') refusals.push(outcome);
    }
    expect(closed).toBe(true);
    // 8 joins left after the two admitted ones, then 5 tolerated rate refusals.
    expect(refusals.slice(0, 8)).toEqual(Array(8).fill('TOO_MANY_DOCUMENTS'));
    expect(refusals.slice(8, 13)).toEqual(Array(5).fill('RATE_LIMITED'));
    expect(running.server.io.of('/doc/a').sockets.size).toBe(0);
  });
});
