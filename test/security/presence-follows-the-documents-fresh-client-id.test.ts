/**
 * A provider whose client id turns out to be another session's gets a fresh one: Yjs picks one when
 * it sees content under its own id arrive from the server, and a CLIENT_ID_TAKEN refusal moves the
 * edits to one. Its presence must follow: the server refuses presence under the other session's id,
 * and a provider that kept sending it would stay invisible and be refused on every cursor move.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import type { ErrorInfo } from '../../shared/errors.js';
import { encodeSyncFrame } from '../../shared/protocol/sync.js';
import { QuireProvider } from '../../client/index.js';
import { type TestClient, destroyClients } from '../helpers/clients.js';
import { connectRaw, emitWithAck, type RawSocket, syncRaw } from '../helpers/raw-socket.js';
import { type RunningServer, startServer } from '../helpers/server.js';
import { delay, waitFor } from '../helpers/wait-for.js';

describe('a provider whose client id is another session’s', () => {
  let running: RunningServer;
  const sockets: RawSocket[] = [];
  const clients: TestClient[] = [];
  afterEach(async () => {
    destroyClients(clients.splice(0));
    for (const socket of sockets.splice(0)) socket.close();
    await running?.close();
  });

  it('shows its presence under its fresh id, without refusals', async () => {
    running = await startServer();
    const ownerDoc = new Y.Doc();
    const owner = await connectRaw(running.url, 'taken-presence', {
      auth: { protocol: 1, session: 'owner-session-0123456789', clientIds: [ownerDoc.clientID] },
    });
    const observer = await connectRaw(running.url, 'taken-presence', { session: 'observer-session-0123456789' });
    sockets.push(owner, observer);
    await syncRaw(owner);
    await syncRaw(observer);
    const seen = new awarenessProtocol.Awareness(new Y.Doc());
    observer.on('awareness', (update: Uint8Array) => awarenessProtocol.applyAwarenessUpdate(seen, new Uint8Array(update), 'server'));
    ownerDoc.getText('text').insert(0, 'owner');
    expect(await emitWithAck(owner, 'update', encodeSyncFrame('update', Y.encodeStateAsUpdate(ownerDoc)))).toEqual({ ok: true });

    // A provider whose random id happens to be the owner's.
    const doc = new Y.Doc();
    const taken = ownerDoc.clientID;
    doc.clientID = taken;
    const client = { doc, provider: new QuireProvider(running.url, 'taken-presence', doc) };
    clients.push(client);
    const notices: ErrorInfo[] = [];
    client.provider.on('notice', (info: ErrorInfo) => notices.push(info));
    await client.provider.whenSynced();
    client.doc.getText('text').insert(0, 'mine ');
    await waitFor(() => client.provider.pendingCount === 0, 'the edit saved under a fresh id');
    expect(client.doc.clientID).not.toBe(taken);

    client.provider.awareness.setLocalStateField('user', 'provider');
    await waitFor(() => seen.getStates().get(client.doc.clientID)?.user === 'provider', 'the presence under the fresh id');
    // Only its first presence, sent before it knew, was refused.
    const refusedBefore = notices.filter((notice) => notice.code === 'AWARENESS_NOT_OWNED').length;
    expect(refusedBefore).toBeLessThanOrEqual(1);
    for (let cursor = 0; cursor < 5; cursor++) {
      client.provider.awareness.setLocalStateField('cursor', cursor);
      await delay(60);
    }
    await waitFor(() => seen.getStates().get(client.doc.clientID)?.cursor === 4, 'the last cursor move');
    expect(seen.getStates().get(taken)?.user).not.toBe('provider');
    expect(notices.filter((notice) => notice.code === 'AWARENESS_NOT_OWNED')).toHaveLength(refusedBefore);
    seen.destroy();
  });
});
