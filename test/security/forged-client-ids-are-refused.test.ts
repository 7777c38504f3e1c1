import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createServer, type QuireServer } from '../../server/index.js';
import { ownersDocumentName } from '../../server/core/client-id-owners.js';
import { LevelDbStore } from '../../server/persistence/leveldb-store.js';
import { encodeSyncFrame } from '../../shared/protocol/sync.js';
import { PROTOCOL_VERSION } from '../../shared/protocol/version.js';
import { QuireProvider } from '../../client/index.js';
import { type TestClient, connectSynced, destroyClients } from '../helpers/clients.js';
import { connectRaw, emitWithAck, type RawSocket, syncRaw } from '../helpers/raw-socket.js';
import { waitFor } from '../helpers/wait-for.js';
import { makeTempDir, type TempDir } from '../helpers/temp-dir.js';

/**
 * The attack: while the victim is offline, a writer sends an update under the victim's Yjs client
 * id at the victim's next clock. Without ownership, the victim's own edit at that clock would be
 * ignored everywhere as "already known" while the victim is told it was saved.
 */
describe('updates under a Yjs client id another session owns are refused', () => {
  let dir: TempDir;
  let servers: QuireServer[] = [];
  let clients: TestClient[] = [];
  let raw: RawSocket[] = [];
  afterEach(async () => {
    destroyClients(clients);
    for (const socket of raw) socket.close();
    for (const server of servers) await server.close();
    clients = [];
    raw = [];
    servers = [];
    await dir?.remove();
  });

  async function serve(port = 0): Promise<{ server: QuireServer; url: string; port: number }> {
    const server = createServer({ store: await LevelDbStore.open({ path: dir.path }), unloadGraceMs: 50 });
    servers.push(server);
    const address = await server.listen(port, '127.0.0.1');
    return { server, url: address.url, port: address.port };
  }

  async function forge(url: string, victimId: number, text: string): Promise<{ ok: boolean; code?: string; clientIds?: number[] }> {
    const forger = await connectRaw(url, 'plan', { session: 'forger-session-0123456789' });
    raw.push(forger);
    const { doc } = await syncRaw(forger);
    const before = Y.encodeStateVector(doc);
    doc.clientID = victimId;
    doc.getText('text').insert(doc.getText('text').length, text);
    return emitWithAck(forger, 'update', encodeSyncFrame('update', Y.encodeStateAsUpdate(doc, before))) as Promise<{
      ok: boolean;
      code?: string;
      clientIds?: number[];
    }>;
  }

  it('protects an offline victim across a server restart, and its edit is what everyone reads', async () => {
    dir = await makeTempDir('client-ids');
    const first = await serve();
    const victim = await connectSynced(first.url, 'plan');
    clients.push(victim);
    victim.doc.getText('text').insert(0, 'Plan: ');
    await waitFor(() => victim.provider.pendingCount === 0, 'victim saved');
    victim.provider.disconnect();
    victim.doc.getText('text').insert(6, 'we agreed to ship on Friday.');

    // The server restarts while the victim is offline (the document is unloaded, owners reloaded).
    await first.server.close();
    servers = [];
    const second = await serve(first.port);
    const refused = await forge(second.url, victim.doc.clientID, 'we ship next year.');
    expect(refused).toMatchObject({ ok: false, code: 'CLIENT_ID_TAKEN', clientIds: [victim.doc.clientID] });

    victim.provider.connect();
    await waitFor(() => victim.provider.synced && victim.provider.pendingCount === 0, 'victim saved its offline edit');
    const reader = await connectSynced(second.url, 'plan');
    clients.push(reader);
    expect(reader.doc.getText('text').toString()).toBe('Plan: we agreed to ship on Friday.');
  });

  it('lets the owner write on under its id from a new connection of the same session', async () => {
    dir = await makeTempDir('client-ids');
    const { url } = await serve();
    const victim = await connectSynced(url, 'plan');
    clients.push(victim);
    victim.doc.getText('text').insert(0, 'one ');
    await waitFor(() => victim.provider.pendingCount === 0, 'saved');
    victim.provider.disconnect();
    victim.provider.connect();
    await victim.provider.whenSynced();
    victim.doc.getText('text').insert(4, 'two');
    await waitFor(() => victim.provider.pendingCount === 0, 'saved again');
    expect(await forge(url, victim.doc.clientID, 'x')).toMatchObject({ ok: false, code: 'CLIENT_ID_TAKEN' });
  });

  it('a provider whose id is taken moves its unsent edits to a fresh id and loses nothing', async () => {
    dir = await makeTempDir('client-ids');
    const { url } = await serve();
    const doc = new Y.Doc();
    const takenId = doc.clientID;
    const original = new QuireProvider(url, 'plan', doc);
    await original.whenSynced();
    doc.getText('text').insert(0, 'first session. ');
    doc.getMap('map').set('owner', 'first');
    await waitFor(() => original.pendingCount === 0, 'first session saved');
    original.destroy();

    // The same Y.Doc outlives its provider (the app recreated the provider): a new session, whose
    // edits under the old id the server refuses.
    const again = new QuireProvider(url, 'plan', doc, { connect: false });
    const notices: string[] = [];
    again.on('notice', ({ code }) => notices.push(code));
    doc.getText('text').insert(15, 'second session.');
    doc.getMap('map').set('owner', 'second');
    again.connect();
    await waitFor(() => again.synced && again.pendingCount === 0, 'the second session saved under a fresh id', 10_000);
    expect(notices).toContain('CLIENT_ID_TAKEN');
    expect(doc.clientID).not.toBe(takenId);
    expect(doc.getText('text').toString()).toBe('first session. second session.');

    const reader = await connectSynced(url, 'plan');
    clients.push(reader);
    expect(reader.doc.getText('text').toString()).toBe('first session. second session.');
    expect(reader.doc.getMap('map').get('owner')).toBe('second');
    // Later edits go through under the fresh id.
    doc.getText('text').insert(0, '> ');
    await waitFor(() => reader.doc.getText('text').toString() === '> first session. second session.', 'reader sees later edits');
    again.destroy();
  });

  it('an update under thousands of made-up ids claims at most the 8 ids the client declared', async () => {
    dir = await makeTempDir('client-ids');
    const { url, server } = await serve();
    const declared = Array.from({ length: 20 }, (_, i) => 10 + i);
    const hoarder = await connectRaw(url, 'plan', {
      auth: { protocol: PROTOCOL_VERSION, session: 'hoarder-session-0123456789', clientIds: declared },
    });
    raw.push(hoarder);
    await syncRaw(hoarder);
    const parts: Uint8Array[] = [];
    for (let client = 10; client < 2_010; client++) {
      const doc = new Y.Doc();
      doc.clientID = client;
      doc.getMap('map').set(String(client), client);
      parts.push(Y.encodeStateAsUpdate(doc));
    }
    expect(await emitWithAck(hoarder, 'update', encodeSyncFrame('update', Y.mergeUpdates(parts)))).toMatchObject({ ok: true });
    const owners = new Y.Doc();
    for (const update of await server.store.load(ownersDocumentName('plan'))) Y.applyUpdate(owners, update);
    expect(owners.getMap('owners').size).toBe(8);
  });
});
