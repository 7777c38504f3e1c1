/**
 * Presence shows a provider's Yjs client id to everyone before its first edit reaches the server.
 * A user who goes offline and types, while someone else writes under that id at the same clocks,
 * must not be told 'saved' while the server keeps the other text: the id is bound to its session
 * as soon as presence announces it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { QuireProvider } from '../../client/index.js';
import { connectSynced, destroyClients, type TestClient } from '../helpers/clients.js';
import { connectRaw, emitWithAck, type RawSocket, syncRaw, textUpdateFrame } from '../helpers/raw-socket.js';
import { type RunningServer, startServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait-for.js';

let server: RunningServer | undefined;
const clients: TestClient[] = [];
const sockets: RawSocket[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.close();
  destroyClients(clients.splice(0));
  await server?.close();
  server = undefined;
});

describe('a client id shown in presence', () => {
  it('is refused to another session while its owner types offline, and the owner saves its own words', async () => {
    server = await startServer();
    const victim = await connectSynced(server.url, 'presence-id');
    clients.push(victim);
    const attacker = await connectRaw(server.url, 'presence-id', { session: 'attacker-session-key-0001' });
    sockets.push(attacker);
    let presenceSeen = false;
    attacker.on('awareness', () => {
      presenceSeen = true;
    });
    await syncRaw(attacker);
    victim.provider.awareness.setLocalStateField('user', { name: 'victim' });
    await waitFor(() => presenceSeen, 'the victim’s presence reaching the attacker');

    const victimId = victim.doc.clientID;
    victim.provider.disconnect();
    victim.doc.getText('text').insert(0, 'victim words');
    const forged = await emitWithAck(attacker, 'update', textUpdateFrame('FORGED', victimId));
    expect(forged).toMatchObject({ ok: false, code: 'CLIENT_ID_TAKEN' });

    let saved = false;
    victim.provider.on('saved', () => {
      saved = true;
    });
    victim.provider.connect();
    await waitFor(() => saved && victim.provider.pendingCount === 0, 'the victim’s edits saved');
    const reader = await connectSynced(server.url, 'presence-id');
    clients.push(reader);
    expect(reader.doc.getText('text').toString()).toBe('victim words');
  });

  it('moves the edits of a new provider on the same Y.Doc to a fresh id, losing nothing', async () => {
    server = await startServer();
    const doc = new Y.Doc();
    const first = new QuireProvider(server.url, 'presence-remount', doc);
    await first.whenSynced();
    first.awareness.setLocalStateField('user', { name: 'first' });
    const watcher = await connectSynced(server.url, 'presence-remount');
    clients.push(watcher);
    await waitFor(() => watcher.provider.awareness.getStates().has(doc.clientID), 'the first provider’s presence');
    first.destroy();

    const second = new QuireProvider(server.url, 'presence-remount', doc);
    clients.push({ doc, provider: second });
    const notices: string[] = [];
    second.on('notice', (notice) => notices.push(notice.code));
    await second.whenSynced();
    doc.getText('text').insert(0, 'written through the second provider');
    await waitFor(() => second.pendingCount === 0 && notices.includes('CLIENT_ID_TAKEN'), 'the second provider’s edits saved');
    const reader = await connectSynced(server.url, 'presence-remount');
    clients.push(reader);
    expect(reader.doc.getText('text').toString()).toBe('written through the second provider');
  });
});
