import { afterEach, describe, it } from 'vitest';
import { type TestClient, connectSynced, destroyClients } from '../helpers/clients.js';
import { type RunningServer, startServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait-for.js';

/**
 * In a two-person document the leaver's presence removal has exactly one receiver, and the leaver
 * is gone by the time it is broadcast. Awareness states time out after 30 s on their own, so
 * seeing the removal within a few seconds proves the server sent it.
 */
describe('a user who leaves a two-person document leaves no ghost behind', () => {
  let running: RunningServer;
  let clients: TestClient[] = [];
  afterEach(async () => {
    destroyClients(clients);
    clients = [];
    await running?.close();
  });

  async function aliceAndBob(docName: string): Promise<{ alice: TestClient; bob: TestClient }> {
    const alice = await connectSynced(running.url, docName);
    const bob = await connectSynced(running.url, docName);
    clients.push(bob);
    alice.provider.awareness.setLocalState({ user: { name: 'Alice' }, cursor: 3 });
    await waitFor(() => bob.provider.awareness.getStates().has(alice.doc.clientID), 'bob sees alice');
    return { alice, bob };
  }

  it("closing the provider removes Alice from Bob's presence at once", async () => {
    running = await startServer();
    const { alice, bob } = await aliceAndBob('ghost-destroy');
    const aliceId = alice.doc.clientID;
    destroyClients([alice]);
    await waitFor(() => !bob.provider.awareness.getStates().has(aliceId), "alice gone from bob's presence", 5_000);
  });

  it('a dropped connection (a closed tab, no goodbye) removes Alice at once', async () => {
    running = await startServer();
    const { alice, bob } = await aliceAndBob('ghost-drop');
    const aliceId = alice.doc.clientID;
    // The engine.io connection ends without a removal message from Alice.
    (alice.provider as unknown as { socket: { io: { engine: { close(): void } } } }).socket.io.engine.close();
    alice.provider.disconnect();
    await waitFor(() => !bob.provider.awareness.getStates().has(aliceId), "alice gone from bob's presence", 5_000);
    destroyClients([alice]);
  });
});
