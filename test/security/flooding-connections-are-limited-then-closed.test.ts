import { afterEach, describe, expect, it } from 'vitest';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import type { ErrorInfo } from '../../shared/errors.js';
import { type TestClient, connectSynced, destroyClients } from '../helpers/clients.js';
import { converged } from '../helpers/convergence.js';
import { type RawSocket, collectNotices, connectRaw, emitWithAck, syncRaw, textUpdateFrame } from '../helpers/raw-socket.js';
import { type RunningServer, startServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait-for.js';

const tight = {
  rateLimits: {
    updates: { perSecond: 0.001, burst: 5 },
    awareness: { perSecond: 0.001, burst: 5 },
    violations: { perSecond: 0.001, burst: 10 },
    rateRefusals: { perSecond: 0.001, burst: 10 },
  },
};

function ownAwareness(clientId: number, n: number): Uint8Array {
  const doc = new Y.Doc();
  doc.clientID = clientId;
  const awareness = new awarenessProtocol.Awareness(doc);
  awareness.setLocalState({ n });
  const update = awarenessProtocol.encodeAwarenessUpdate(awareness, [clientId]);
  awareness.destroy();
  return update;
}

describe('a connection that floods is rate limited, then closed, and nobody else notices', () => {
  let running: RunningServer;
  let clients: TestClient[] = [];
  let raw: RawSocket[] = [];

  afterEach(async () => {
    destroyClients(clients);
    for (const socket of raw) socket.close();
    clients = [];
    raw = [];
    await running?.close();
  });

  async function honestPair(): Promise<[TestClient, TestClient]> {
    const pair = await Promise.all([connectSynced(running.url, 'doc'), connectSynced(running.url, 'doc')] as const);
    clients.push(...pair);
    return pair;
  }

  it('refuses updates over the rate with RATE_LIMITED without applying them, then closes the connection with POLICY_VIOLATION', async () => {
    running = await startServer(tight);
    const [alice, bob] = await honestPair();
    const flooder = await connectRaw(running.url, 'doc');
    raw.push(flooder);
    await syncRaw(flooder);
    const notices = collectNotices(flooder);
    let disconnectReason = '';
    flooder.on('disconnect', (reason) => (disconnectReason = reason));

    const acks = [];
    for (let i = 0; i < 5; i++) acks.push(await emitWithAck(flooder, 'update', textUpdateFrame(`ok${i};`)));
    expect(acks.every((ack) => ack.ok)).toBe(true);
    const limited = await emitWithAck(flooder, 'update', textUpdateFrame('over the limit;'));
    expect(limited).toMatchObject({ ok: false, code: 'RATE_LIMITED' });

    // Ten rate refusals are tolerated (rateRefusals); the next one closes the connection.
    for (let i = 0; i < 20; i++) flooder.emit('update', textUpdateFrame(`flood${i};`));
    await waitFor(() => disconnectReason !== '', 'flooder disconnected');
    expect(disconnectReason).toBe('io server disconnect');
    expect(notices.map((n) => n.code)).toContain('POLICY_VIOLATION');
    expect(notices.filter((n) => n.code === 'RATE_LIMITED').length).toBeGreaterThanOrEqual(9);

    // Honest clients were unaffected: they keep editing and converge, without the refused updates.
    alice.doc.getText('text').insert(0, 'alice;');
    bob.doc.getText('text').insert(0, 'bob;');
    await waitFor(() => converged([alice.doc, bob.doc]) && alice.doc.getText('text').toString().includes('bob;'), 'honest convergence');
    const text = alice.doc.getText('text').toString();
    for (let i = 0; i < 5; i++) expect(text).toContain(`ok${i};`);
    expect(text).not.toContain('over the limit');
    expect(text).not.toContain('flood');
  });

  it('limits awareness per connection, across all of its documents', async () => {
    running = await startServer(tight);
    const a = await connectRaw(running.url, 'doc-a');
    raw.push(a);
    const results: boolean[] = [];
    for (let i = 0; i < 3; i++) results.push((await emitWithAck(a, 'awareness', ownAwareness(1001, i))).ok);
    // A second document on the same connection shares the budget.
    const b = a.io.socket('/doc/doc-b', { auth: { protocol: 1 } });
    b.connect();
    await waitFor(() => b.connected, 'second document open');
    for (let i = 0; i < 3; i++) results.push((await emitWithAck(b, 'awareness', ownAwareness(1002, i))).ok);
    expect(results).toEqual([true, true, true, true, true, false]);
    // Another connection has a budget of its own.
    const other = await connectRaw(running.url, 'doc-a');
    raw.push(other);
    expect(await emitWithAck(other, 'awareness', ownAwareness(1003, 0))).toMatchObject({ ok: true });
  });

  it('closes a connection that keeps sending garbage, while a provider rate limited once recovers by itself', async () => {
    running = await startServer({ rateLimits: { updates: { perSecond: 20, burst: 2 }, violations: { perSecond: 0.001, burst: 5 } } });
    const [alice, bob] = await honestPair();
    const notices: ErrorInfo[] = [];
    alice.provider.on('notice', (info) => notices.push(info));
    // Three updates in three turns: the third exceeds the burst, is refused and resent later.
    for (const word of ['one;', 'two;', 'three;']) {
      alice.doc.getText('text').insert(0, word);
      await new Promise((resolve) => setImmediate(resolve));
    }
    await waitFor(() => alice.provider.pendingCount === 0, 'alice saved after the resend', 10_000);
    expect(notices.some((n) => n.code === 'RATE_LIMITED')).toBe(true);
    await waitFor(() => converged([alice.doc, bob.doc]), 'convergence');

    const garbage = await connectRaw(running.url, 'doc');
    raw.push(garbage);
    let closed = false;
    garbage.on('disconnect', () => (closed = true));
    for (let i = 0; i < 10; i++) garbage.emit('awareness', 'not binary');
    await waitFor(() => closed, 'garbage sender closed');
    expect(alice.provider.status).toBe('connected');
  });
});
