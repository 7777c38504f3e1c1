/**
 * When a connection goes, the server removes its presence for everyone, and the provider drops the
 * others' states. y-protocols takes a state only at a clock above the one it holds, and a removal
 * keeps the clock: announced again unchanged (same clock) after the reconnect, a state would be
 * ignored, on the server and by the provider, until it changed, which for a user who is reading
 * can be never.
 */
import { afterEach, describe, it } from 'vitest';
import { type TestClient, connectSynced, destroyClients } from '../helpers/clients.js';
import { type RunningServer, startServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait-for.js';

describe('a provider whose connection dropped', () => {
  let running: RunningServer;
  let clients: TestClient[] = [];
  afterEach(async () => {
    destroyClients(clients);
    clients = [];
    await running?.close();
  });

  const dropConnectionOf = (clientId: number) => {
    for (const socket of running.server.io.of('/doc/reconnect-presence').sockets.values()) {
      if (socket.handshake.auth.clientIds?.[0] === clientId) socket.conn.close();
    }
  };

  it('is present again for the others as soon as it is back, without moving its cursor', async () => {
    running = await startServer();
    const options = { reconnectionDelay: 50, reconnectionDelayMax: 100 };
    const reader = await connectSynced(running.url, 'reconnect-presence', options);
    const watcher = await connectSynced(running.url, 'reconnect-presence', options);
    clients.push(reader, watcher);
    const id = reader.doc.clientID;
    reader.provider.awareness.setLocalStateField('user', 'reader');
    await waitFor(() => watcher.provider.awareness.getStates().get(id)?.user === 'reader', 'the reader present');

    // The server drops the reader's connection (a network change, a proxy restart).
    dropConnectionOf(id);
    await waitFor(() => !watcher.provider.awareness.getStates().has(id), 'the reader gone for the watcher');
    await waitFor(() => reader.provider.status === 'connected' && reader.provider.synced, 'the reader back');
    await waitFor(() => watcher.provider.awareness.getStates().get(id)?.user === 'reader', 'the reader present again', 3_000);
  });

  it('sees the others again as soon as it is back, though none of them moved', async () => {
    running = await startServer();
    const options = { reconnectionDelay: 50, reconnectionDelayMax: 100 };
    const present = await connectSynced(running.url, 'reconnect-presence', options);
    const returning = await connectSynced(running.url, 'reconnect-presence', options);
    clients.push(present, returning);
    const id = present.doc.clientID;
    present.provider.awareness.setLocalStateField('user', 'present');
    await waitFor(() => returning.provider.awareness.getStates().get(id)?.user === 'present', 'the other present');

    dropConnectionOf(returning.doc.clientID);
    await waitFor(() => !returning.provider.awareness.getStates().has(id), 'the others dropped while away');
    await waitFor(() => returning.provider.status === 'connected' && returning.provider.synced, 'back');
    await waitFor(() => returning.provider.awareness.getStates().get(id)?.user === 'present', 'the other present again', 3_000);
  });
});
