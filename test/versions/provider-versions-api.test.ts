import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { VersionRequestError } from '../../client/index.js';
import { jwtAuth } from '../../server/index.js';
import { QuireError } from '../../shared/errors.js';
import type { VersionCreatedEvent, VersionRestoredEvent } from '../../shared/versions.js';
import { type TestClient, connectSynced, destroyClients } from '../helpers/clients.js';
import { type RunningServer, startServer } from '../helpers/server.js';
import { testSecret, tokenFor } from '../helpers/tokens.js';
import { waitFor } from '../helpers/wait-for.js';
import { whenSaved } from '../helpers/versions.js';

describe('provider.versions lists, creates, previews and restores with the rights of the connection', () => {
  let running: RunningServer;
  let clients: TestClient[] = [];
  afterEach(async () => {
    destroyClients(clients);
    clients = [];
    await running?.close();
  });

  const codeOf = (promise: Promise<unknown>) =>
    promise.then(
      () => 'resolved',
      (error: unknown) => (error instanceof VersionRequestError || error instanceof QuireError ? error.code : String(error)),
    );

  it('creates a named version, lists it with its author, previews it and restores it for everyone', async () => {
    running = await startServer({ ...jwtAuth({ secret: testSecret }), versions: { automatic: false } });
    const ada = await connectSynced(running.url, 'notes', { token: tokenFor({ notes: 'write' }, 3600, 'ada') });
    const bob = await connectSynced(running.url, 'notes', { token: tokenFor({ notes: 'write' }, 3600, 'bob') });
    clients.push(ada, bob);
    const created: VersionCreatedEvent[] = [];
    const restored: VersionRestoredEvent[] = [];
    bob.provider.versions.on('created', (event) => created.push(event));
    bob.provider.versions.on('restored', (event) => restored.push(event));

    ada.doc.getXmlFragment('default').insert(0, [new Y.XmlText('first draft')]);
    await whenSaved(ada);
    const version = await ada.provider.versions.create({ name: 'First draft' });
    expect(version).toMatchObject({ kind: 'named', name: 'First draft', authors: ['ada'], restoreOf: null });
    await waitFor(() => created.length === 1, 'bob hears of the version');
    expect(created[0]!.version.id).toBe(version.id);

    bob.doc.getXmlFragment('default').insert(0, [new Y.XmlText('bob rewrote it')]);
    await whenSaved(bob);
    expect((await bob.provider.versions.list()).map((v) => [v.id, v.name])).toEqual([[version.id, 'First draft']]);

    const preview = new Y.Doc();
    Y.applyUpdate(preview, await bob.provider.versions.get(version.id));
    expect(preview.getXmlFragment('default').toString()).toBe('first draft');

    const result = await bob.provider.versions.restore(version.id);
    expect(result.backup).toMatchObject({ kind: 'backup', restoreOf: version.id, authors: ['bob'] });
    expect(result.restore).toMatchObject({ kind: 'restore', restoreOf: version.id, authors: ['bob'] });
    await waitFor(() => ada.doc.getXmlFragment('default').toString() === 'first draft', 'ada sees the restore');
    await waitFor(() => bob.doc.getXmlFragment('default').toString() === 'first draft', 'bob sees the restore');
    await waitFor(() => restored.length === 1, 'bob hears of the restore');
    expect(restored[0]).toEqual(result);
    expect((await ada.provider.versions.list()).map((v) => v.kind)).toEqual(['named', 'backup', 'restore']);
  });

  it('lets a read-only connection list and preview but not create or restore', async () => {
    running = await startServer({ ...jwtAuth({ secret: testSecret }), versions: { automatic: false } });
    const writer = await connectSynced(running.url, 'doc', { token: tokenFor({ doc: 'write' }) });
    const reader = await connectSynced(running.url, 'doc', { token: tokenFor({ doc: 'read' }, 3600, 'reader') });
    clients.push(writer, reader);
    writer.doc.getText('text').insert(0, 'hello');
    await whenSaved(writer);
    const version = await writer.provider.versions.create();
    expect(await reader.provider.versions.list()).toHaveLength(1);
    expect((await reader.provider.versions.get(version.id)).byteLength).toBeGreaterThan(0);
    expect(await codeOf(reader.provider.versions.create({ name: 'mine' }))).toBe('READ_ONLY');
    expect(await codeOf(reader.provider.versions.restore(version.id))).toBe('READ_ONLY');
  });

  it('applies the server policy hook for stricter roles', async () => {
    running = await startServer({
      ...jwtAuth({ secret: testSecret }),
      versions: {
        automatic: false,
        authorize: (principal, _doc, action) => action !== 'restore' || (principal as { subject: string }).subject === 'owner',
      },
    });
    const owner = await connectSynced(running.url, 'doc', { token: tokenFor({ doc: 'write' }, 3600, 'owner') });
    const editor = await connectSynced(running.url, 'doc', { token: tokenFor({ doc: 'write' }, 3600, 'editor') });
    clients.push(owner, editor);
    editor.doc.getText('text').insert(0, 'x');
    await whenSaved(editor);
    const version = await editor.provider.versions.create();
    expect(await codeOf(editor.provider.versions.restore(version.id))).toBe('PERMISSION_DENIED');
    expect((await owner.provider.versions.restore(version.id)).restoredId).toBe(version.id);
  });

  it('runs one restore of a document at a time', async () => {
    running = await startServer({ versions: { automatic: false } });
    const a = await connectSynced(running.url, 'doc');
    const b = await connectSynced(running.url, 'doc');
    clients.push(a, b);
    a.doc.getXmlFragment('default').insert(0, [new Y.XmlText('version')]);
    await whenSaved(a);
    const version = await a.provider.versions.create();
    a.doc.getXmlFragment('default').insert(0, [new Y.XmlText('later ')]);
    await whenSaved(a);
    // Two restores issued at once: the second is refused while the first runs.
    const first = running.server.versions.restore('doc', version.id);
    const second = running.server.versions.restore('doc', version.id);
    expect(await Promise.all([first, second].map((p) => codeOf(p)))).toEqual(['resolved', 'RESTORE_IN_PROGRESS']);
    // Once it is done, the next one runs.
    expect((await b.provider.versions.restore(version.id)).restoredId).toBe(version.id);
    await waitFor(() => b.doc.getXmlFragment('default').toString() === 'version', 'the one restore');
  });

  it('answers bad requests with a code and keeps serving', async () => {
    running = await startServer({ versions: { automatic: false } });
    const client = await connectSynced(running.url, 'doc');
    clients.push(client);
    expect(await codeOf(client.provider.versions.get(42))).toBe('VERSION_NOT_FOUND');
    expect(await codeOf(client.provider.versions.restore(42))).toBe('VERSION_NOT_FOUND');
    expect(await codeOf(client.provider.versions.get(-1))).toBe('BAD_PAYLOAD');
    expect(await codeOf(client.provider.versions.get(1.5))).toBe('BAD_PAYLOAD');
    expect(await codeOf(client.provider.versions.create({ name: 'x'.repeat(201) }))).toBe('BAD_PAYLOAD');
    expect(await codeOf(client.provider.versions.create({ name: '   ' }))).toBe('BAD_PAYLOAD');
    client.doc.getText('text').insert(0, 'still fine');
    await whenSaved(client);
    expect((await client.provider.versions.create({ name: 'ok' })).name).toBe('ok');
  });
});
