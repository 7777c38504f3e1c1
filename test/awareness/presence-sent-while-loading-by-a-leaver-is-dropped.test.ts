import { afterEach, describe, expect, it } from 'vitest';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { type TestClient, connectSynced, destroyClients } from '../helpers/clients.js';
import { connectRaw, emitWithAck, type RawSocket } from '../helpers/raw-socket.js';
import { type RunningServer, startServer } from '../helpers/server.js';
import { SlowStore } from '../helpers/slow-store.js';
import { delay, waitFor } from '../helpers/wait-for.js';

function presence(clientId: number, name: string): Uint8Array {
  const doc = new Y.Doc();
  doc.clientID = clientId;
  const awareness = new awarenessProtocol.Awareness(doc);
  awareness.setLocalState({ user: { name } });
  const update = awarenessProtocol.encodeAwarenessUpdate(awareness, [clientId]);
  awareness.destroy();
  return update;
}

describe('presence sent while the document loads by a client that leaves before it loaded', () => {
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

  it('leaves no ghost and no claim on its awareness id', async () => {
    const store = new SlowStore(300);
    running = await startServer({ store, unloadGraceMs: 60_000 });
    const leaver = await connectRaw(running.url, 'loading', { session: 'leaver-session-0123456789' });
    leaver.emit('awareness', presence(4242, 'ghost'));
    leaver.disconnect();
    await waitFor(() => running.server.registry.isLoaded('loading'), 'loading');
    await delay(400);

    const observer = await connectSynced(running.url, 'loading');
    clients.push(observer);
    await delay(100);
    expect(observer.provider.awareness.getStates().has(4242)).toBe(false);
    expect((await running.server.registry.peek('loading'))!.awareness.getStates().has(4242)).toBe(false);

    // Nobody holds id 4242: another session may introduce it.
    const other = await connectRaw(running.url, 'loading', { session: 'other-session-0123456789' });
    raw.push(other);
    expect(await emitWithAck(other, 'awareness', presence(4242, 'rightful'))).toMatchObject({ ok: true });
  });
});
