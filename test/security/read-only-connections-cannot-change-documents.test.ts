import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { jwtAuth } from '../../server/index.js';
import type { ErrorInfo } from '../../shared/errors.js';
import { type TestClient, connectSynced, destroyClients } from '../helpers/clients.js';
import { snapshotOf } from '../helpers/convergence.js';
import { collectNotices, connectRaw, emitWithAck, syncRaw, textUpdateFrame } from '../helpers/raw-socket.js';
import { type RunningServer, startServer } from '../helpers/server.js';
import { testSecret, tokenFor } from '../helpers/tokens.js';
import { waitFor } from '../helpers/wait-for.js';

describe('a read-only connection syncs and shows presence but cannot change the document', () => {
  let running: RunningServer;
  let clients: TestClient[] = [];

  afterEach(async () => {
    destroyClients(clients);
    clients = [];
    await running?.close();
  });

  async function storedText(name: string): Promise<string> {
    const doc = new Y.Doc();
    for (const update of await running.server.store.load(name)) Y.applyUpdate(doc, update);
    return doc.getText('text').toString();
  }

  it('refuses a raw update with READ_ONLY: not applied, not relayed, not stored', async () => {
    running = await startServer(jwtAuth({ secret: testSecret }));
    const writer = await connectSynced(running.url, 'doc', { token: tokenFor({ doc: 'write' }) });
    const watcher = await connectSynced(running.url, 'doc', { token: tokenFor({ doc: 'read' }) });
    clients.push(writer, watcher);
    writer.doc.getText('text').insert(0, 'original');
    await waitFor(() => watcher.doc.getText('text').toString() === 'original', 'watcher has the original');

    const reader = await connectRaw(running.url, 'doc', { token: tokenFor({ doc: 'read' }) });
    const { doc, access } = await syncRaw(reader);
    expect(access).toBe('read');
    expect(doc.getText('text').toString()).toBe('original');
    const ack = await emitWithAck(reader, 'update', textUpdateFrame('vandalism '));
    expect(ack).toMatchObject({ ok: false, code: 'READ_ONLY' });
    // Without an ack callback the refusal arrives as a notice.
    const notices = collectNotices(reader);
    reader.emit('update', textUpdateFrame('more vandalism '));
    await waitFor(() => notices.length === 1, 'notice');
    expect(notices[0]!.code).toBe('READ_ONLY');

    // A later honest edit reaches the watcher; the refused ones never do.
    writer.doc.getText('text').insert(8, '!');
    await waitFor(() => watcher.doc.getText('text').toString() === 'original!', 'honest edit relayed');
    await waitFor(() => writer.provider.pendingCount === 0, 'writer saved');
    const server = await running.server.openDocument('doc');
    expect(server.doc.getText('text').toString()).toBe('original!');
    await server.release();
    expect(await storedText('doc')).toBe('original!');
    reader.close();
  });

  it('lets a read-only provider sync and send awareness; its local edits stay local and it is told', async () => {
    running = await startServer(jwtAuth({ secret: testSecret }));
    const writer = await connectSynced(running.url, 'doc', { token: tokenFor({ doc: 'write' }) });
    clients.push(writer);
    writer.doc.getText('text').insert(0, 'shared');
    await waitFor(() => writer.provider.pendingCount === 0, 'writer saved');

    const reader = await connectSynced(running.url, 'doc', { token: tokenFor({ '*': 'read' }) });
    clients.push(reader);
    const notices: ErrorInfo[] = [];
    reader.provider.on('notice', (info) => notices.push(info));
    expect(reader.provider.access).toBe('read');
    expect(reader.doc.getText('text').toString()).toBe('shared');

    reader.provider.awareness.setLocalStateField('user', 'reader');
    await waitFor(() => writer.provider.awareness.getStates().get(reader.doc.clientID)?.user === 'reader', 'presence');

    reader.doc.getText('text').insert(0, 'local only ');
    await waitFor(() => notices.some((n) => n.code === 'READ_ONLY'), 'read-only notice');
    writer.doc.getText('text').insert(6, '.');
    await waitFor(() => reader.doc.getText('text').toString() === 'local only shared.', 'reader still receives');
    await waitFor(() => writer.provider.pendingCount === 0, 'writer saved');
    expect(writer.doc.getText('text').toString()).toBe('shared.');
    expect(await storedText('doc')).toBe('shared.');
    expect(snapshotOf(writer.doc)).not.toBe(snapshotOf(reader.doc));
  });
});
