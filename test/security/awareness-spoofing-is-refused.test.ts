import { afterEach, describe, expect, it } from 'vitest';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { type TestClient, connectSynced, destroyClients } from '../helpers/clients.js';
import { collectNotices, connectRaw, emitWithAck, type RawSocket, syncRaw } from '../helpers/raw-socket.js';
import { type RunningServer, startServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait-for.js';

/** An awareness update claiming to come from `clientId`, with `state` (null removes it). */
function awarenessFor(clientId: number, state: Record<string, unknown> | null, clock = 1_000): Uint8Array {
  const doc = new Y.Doc();
  doc.clientID = clientId;
  const awareness = new awarenessProtocol.Awareness(doc);
  awareness.setLocalState(state);
  awareness.meta.set(clientId, { clock, lastUpdated: 0 });
  const update = awarenessProtocol.encodeAwarenessUpdate(awareness, [clientId]);
  awareness.destroy();
  return update;
}

describe('a connection can only set or remove the awareness states it introduced', () => {
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

  async function victimAndObserver(): Promise<{ victim: TestClient; observer: TestClient }> {
    running = await startServer();
    const victim = await connectSynced(running.url, 'doc');
    const observer = await connectSynced(running.url, 'doc');
    clients.push(victim, observer);
    victim.provider.awareness.setLocalStateField('user', 'victim');
    await waitFor(() => observer.provider.awareness.getStates().get(victim.doc.clientID)?.user === 'victim', 'victim visible');
    return { victim, observer };
  }

  it("refuses updates and removals of another client's state with AWARENESS_NOT_OWNED", async () => {
    const { victim, observer } = await victimAndObserver();
    const attacker = await connectRaw(running.url, 'doc', { session: 'attacker-session-0001' });
    raw.push(attacker);
    await syncRaw(attacker);
    const id = victim.doc.clientID;
    expect(await emitWithAck(attacker, 'awareness', awarenessFor(id, { user: 'evil' }))).toMatchObject({
      ok: false,
      code: 'AWARENESS_NOT_OWNED',
    });
    expect(await emitWithAck(attacker, 'awareness', awarenessFor(id, null, 2_000))).toMatchObject({
      ok: false,
      code: 'AWARENESS_NOT_OWNED',
    });
    const notices = collectNotices(attacker);
    attacker.emit('awareness', awarenessFor(id, { user: 'evil' }, 3_000));
    await waitFor(() => notices.length === 1, 'notice without ack');
    expect(notices[0]!.code).toBe('AWARENESS_NOT_OWNED');

    // The attacker's own state still works, and the victim's is untouched everywhere.
    expect(await emitWithAck(attacker, 'awareness', awarenessFor(424242, { user: 'attacker' }))).toMatchObject({ ok: true });
    await waitFor(() => observer.provider.awareness.getStates().get(424242)?.user === 'attacker', 'attacker presence');
    expect(observer.provider.awareness.getStates().get(id)?.user).toBe('victim');
    victim.provider.awareness.setLocalStateField('user', 'victim again');
    await waitFor(() => observer.provider.awareness.getStates().get(id)?.user === 'victim again', 'victim still owns its state');
  });

  it("refuses a spoofed id hidden among the sender's own entries, applying only its own", async () => {
    const { victim, observer } = await victimAndObserver();
    const attacker = await connectRaw(running.url, 'doc', { session: 'attacker-session-0002' });
    raw.push(attacker);
    const mixed = new Y.Doc();
    mixed.clientID = 777;
    const awareness = new awarenessProtocol.Awareness(mixed);
    awareness.setLocalState({ user: 'attacker' });
    awareness.states.set(victim.doc.clientID, { user: 'evil' });
    awareness.meta.set(victim.doc.clientID, { clock: 5_000, lastUpdated: 0 });
    const update = awarenessProtocol.encodeAwarenessUpdate(awareness, [777, victim.doc.clientID]);
    awareness.destroy();
    expect(await emitWithAck(attacker, 'awareness', update)).toMatchObject({ ok: false, code: 'AWARENESS_NOT_OWNED' });
    await waitFor(() => observer.provider.awareness.getStates().get(777)?.user === 'attacker', 'own entry applied');
    expect(observer.provider.awareness.getStates().get(victim.doc.clientID)?.user).toBe('victim');
  });

  it("keeps a reconnecting client's id reserved for its session, so nobody can take it over in between", async () => {
    const { victim, observer } = await victimAndObserver();
    const id = victim.doc.clientID;
    const attacker = await connectRaw(running.url, 'doc', { session: 'attacker-session-0003' });
    raw.push(attacker);
    // The victim's connection drops; its state is removed for everyone.
    running.server.io.of('/doc/doc').sockets.get(victim.provider['socket'].id!)!.disconnect();
    await waitFor(() => !observer.provider.awareness.getStates().has(id), 'victim state removed');
    expect(await emitWithAck(attacker, 'awareness', awarenessFor(id, { user: 'impostor' }, 10_000))).toMatchObject({
      ok: false,
      code: 'AWARENESS_NOT_OWNED',
    });
    await victim.provider.whenSynced();
    victim.provider.awareness.setLocalStateField('user', 'victim is back');
    await waitFor(() => observer.provider.awareness.getStates().get(id)?.user === 'victim is back', 'victim reclaims its id');
  });
});
