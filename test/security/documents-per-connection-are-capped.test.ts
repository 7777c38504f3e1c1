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

  it('a provider refused for too many documents retries with backoff and gets in once a slot frees', async () => {
    running = await startServer({ maxDocumentsPerConnection: 1 });
    const first = connectClient(running.url, 'first');
    await first.provider.whenSynced();
    const second = connectClient(running.url, 'second', { reconnectionDelayMax: 200 });
    clients.push(second);
    const errors: ErrorInfo[] = [];
    second.provider.on('connection-error', (info) => errors.push(info));
    await waitFor(() => errors.length >= 2, 'refused and retried');
    expect(errors.every((info) => info.code === 'TOO_MANY_DOCUMENTS')).toBe(true);
    destroyClients([first]);
    await second.provider.whenSynced();
  });

  it('refuses opens beyond the join rate with RATE_LIMITED, then closes a connection that keeps trying', async () => {
    running = await startServer({ rateLimits: { joins: { perSecond: 0.001, burst: 4 }, rateRefusals: { perSecond: 0.001, burst: 3 } } });
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
});
