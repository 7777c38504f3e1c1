import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { encodeSyncFrame } from '../../shared/protocol/sync.js';
import { type TestClient, connectSynced, destroyClients } from '../helpers/clients.js';
import { snapshotOf } from '../helpers/convergence.js';
import { connectRaw, syncRaw } from '../helpers/raw-socket.js';
import { type RunningServer, startServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait-for.js';

describe('an edit whose sender left in the same turn reaches every client still connected', () => {
  let running: RunningServer;
  let clients: TestClient[] = [];
  afterEach(async () => {
    destroyClients(clients);
    clients = [];
    await running?.close();
  });

  it('Bob receives what Alice sent just before she left, and Bob and the server agree afterwards', async () => {
    running = await startServer();
    const bob = await connectSynced(running.url, 'left');
    clients.push(bob);
    bob.doc.getText('text').insert(0, 'bob: ');
    await waitFor(() => bob.provider.pendingCount === 0, 'bob saved');

    const alice = await connectRaw(running.url, 'left');
    const { doc: aliceDoc } = await syncRaw(alice);
    const before = Y.encodeStateVector(aliceDoc);
    aliceDoc.getText('text').insert(5, 'alice was here');
    // The update and the close leave in one write: the server reads both in one turn.
    alice.emit('update', encodeSyncFrame('update', Y.encodeStateAsUpdate(aliceDoc, before)), () => {});
    alice.disconnect();

    await waitFor(() => bob.doc.getText('text').toString() === 'bob: alice was here', "bob receives alice's edit", 5_000);
    bob.doc.getText('text').insert(0, '> ');
    await waitFor(() => bob.provider.pendingCount === 0, 'bob saved again');
    const server = (await running.server.registry.peek('left'))!;
    expect(snapshotOf(server.ydoc)).toBe(snapshotOf(bob.doc));
  });
});
