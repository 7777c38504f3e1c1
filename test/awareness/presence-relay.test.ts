import { io as connectSocket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../shared/protocol/version.js';
import { type TestClient, connectSynced, destroyClients } from '../helpers/clients.js';
import { type RunningServer, startServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait-for.js';

describe('awareness is relayed and cleaned up', () => {
  let running: RunningServer;
  let clients: TestClient[] = [];
  afterEach(async () => {
    destroyClients(clients);
    clients = [];
    await running?.close();
  });

  const stateOf = (observer: TestClient, subject: TestClient) => observer.provider.awareness.getStates().get(subject.doc.clientID);

  it('relays added, updated and removed states', async () => {
    running = await startServer();
    const alice = await connectSynced(running.url, 'presence');
    const bob = await connectSynced(running.url, 'presence');
    clients.push(alice, bob);
    alice.provider.awareness.setLocalState({ user: { name: 'Alice' }, cursor: 1 });
    await waitFor(() => stateOf(bob, alice)?.cursor === 1, 'bob sees alice');
    alice.provider.awareness.setLocalStateField('cursor', 7);
    await waitFor(() => stateOf(bob, alice)?.cursor === 7, 'bob sees alice move');
    alice.provider.awareness.setLocalState(null);
    await waitFor(() => stateOf(bob, alice) === undefined, 'alice removed');
  });

  it('a new joiner receives everyone already present', async () => {
    running = await startServer();
    const alice = await connectSynced(running.url, 'presence-join');
    clients.push(alice);
    alice.provider.awareness.setLocalState({ user: { name: 'Alice' } });
    await waitFor(async () => (await running.server.registry.peek('presence-join'))!.awareness.getStates().size === 1, 'server has alice');
    const carol = await connectSynced(running.url, 'presence-join');
    clients.push(carol);
    await waitFor(() => stateOf(carol, alice)?.user?.name === 'Alice', 'carol sees alice');
  });

  it('removes the states of a client that disconnects abruptly, for everyone at once', async () => {
    running = await startServer();
    const watcherA = await connectSynced(running.url, 'ghosts');
    const watcherB = await connectSynced(running.url, 'ghosts');
    clients.push(watcherA, watcherB);
    // A raw socket that sets presence and then vanishes without saying goodbye.
    const rogue = connectSocket(`${running.url}/doc/ghosts`, {
      auth: { protocol: PROTOCOL_VERSION, session: 'a-session-key-of-enough-length' },
      forceNew: true,
      transports: ['websocket'],
    });
    await new Promise<void>((resolve) => rogue.on('connect', () => resolve()));
    const { encodeAwarenessUpdate, Awareness } = await import('y-protocols/awareness');
    const Y = await import('yjs');
    const rogueDoc = new Y.Doc();
    const rogueAwareness = new Awareness(rogueDoc);
    rogueAwareness.setLocalState({ user: { name: 'Ghost' } });
    rogue.emit('awareness', encodeAwarenessUpdate(rogueAwareness, [rogueDoc.clientID]));
    await waitFor(
      () =>
        watcherA.provider.awareness.getStates().has(rogueDoc.clientID) && watcherB.provider.awareness.getStates().has(rogueDoc.clientID),
      'ghost visible',
    );
    // Abrupt: close the transport, no awareness removal sent.
    rogue.io.engine.close();
    await waitFor(
      () =>
        !watcherA.provider.awareness.getStates().has(rogueDoc.clientID) && !watcherB.provider.awareness.getStates().has(rogueDoc.clientID),
      'ghost removed everywhere',
    );
    rogueAwareness.destroy();
    rogue.close();
  });

  it('refuses awareness entries for another client id', async () => {
    running = await startServer();
    const alice = await connectSynced(running.url, 'spoof');
    const mallory = await connectSynced(running.url, 'spoof');
    clients.push(alice, mallory);
    alice.provider.awareness.setLocalState({ user: { name: 'Alice' } });
    await waitFor(() => stateOf(mallory, alice)?.user?.name === 'Alice', 'mallory sees alice');
    const notices: string[] = [];
    mallory.provider.on('notice', (info) => notices.push(info.code));
    const { encodeAwarenessUpdate, removeAwarenessStates } = await import('y-protocols/awareness');
    // Mallory tries to remove Alice's cursor through the raw socket of her provider.
    removeAwarenessStates(mallory.provider.awareness, [alice.doc.clientID], 'spoof');
    (mallory.provider as unknown as { socket: { emit: (e: string, u: Uint8Array) => void } }).socket.emit(
      'awareness',
      encodeAwarenessUpdate(mallory.provider.awareness, [alice.doc.clientID]),
    );
    await waitFor(() => notices.includes('AWARENESS_NOT_OWNED'), 'refusal notice');
    const serverDoc = await running.server.registry.peek('spoof');
    expect(serverDoc!.awareness.getStates().get(alice.doc.clientID)).toEqual({ user: { name: 'Alice' } });
  });

  it("people moving their cursors at once each see everyone else's latest, and keep their own", async () => {
    running = await startServer();
    const people = await Promise.all([0, 1, 2, 3].map(() => connectSynced(running.url, 'crowd')));
    clients.push(...people);
    // Several moves each, all within one presence interval: they go out together.
    for (let move = 1; move <= 5; move++) {
      people.forEach((person, i) => person.provider.awareness.setLocalState({ user: `p${i}`, cursor: move }));
    }
    await waitFor(
      () => people.every((observer) => people.every((subject) => stateOf(observer, subject)?.cursor === 5)),
      'everyone sees every last cursor',
    );
    // A state received back at the clock a client already has changes nothing: its own is still its own.
    people.forEach((person, i) => expect(person.provider.awareness.getLocalState()).toEqual({ user: `p${i}`, cursor: 5 }));
    people[0]!.provider.awareness.setLocalStateField('cursor', 6);
    await waitFor(() => people.slice(1).every((observer) => stateOf(observer, people[0]!)?.cursor === 6), 'a later move still arrives');
  });
});
