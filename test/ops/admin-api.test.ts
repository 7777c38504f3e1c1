import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { type TestClient, connectSynced, destroyClients } from '../helpers/clients.js';
import { rawDocumentSocket } from '../helpers/raw-socket.js';
import { waitFor } from '../helpers/wait-for.js';
import { type TestService, startTestService } from '../helpers/ops/service.js';

const TOKEN = 'admin-token-for-tests-0123456789';
const auth = { authorization: `Bearer ${TOKEN}` };

/** An update as a fetch body (fetch's types want an ArrayBuffer-backed view). */
function textUpdate(text: string): Uint8Array<ArrayBuffer> {
  const doc = new Y.Doc();
  doc.getText('text').insert(0, text);
  return new Uint8Array(Y.encodeStateAsUpdate(doc));
}

describe('admin API', () => {
  let service: TestService | undefined;
  let clients: TestClient[] = [];
  afterEach(async () => {
    destroyClients(clients);
    clients = [];
    await service?.shutdown('test end');
  });

  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${service!.url}/admin${path}`, { ...init, headers: { ...auth, ...(init.headers as Record<string, string> | undefined) } });

  it('is off without an admin token', async () => {
    service = await startTestService();
    const response = await fetch(`${service.url}/admin/documents`, { headers: auth });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ ok: false, code: 'NOT_FOUND' });
  });

  it('answers 401 without the token or with a wrong one', async () => {
    service = await startTestService(['--admin-token', TOKEN]);
    for (const headers of [
      {} as Record<string, string>,
      { authorization: 'Bearer not-the-admin-token-at-all' },
      { authorization: `Basic ${TOKEN}` },
    ]) {
      const response = await fetch(`${service.url}/admin/documents`, { headers });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer /);
      expect(await response.json()).toMatchObject({ ok: false, code: 'UNAUTHORIZED' });
    }
  });

  it('lists documents with their stored size and last change', async () => {
    service = await startTestService(['--admin-token', TOKEN]);
    const client = await connectSynced(service.url, 'team/notes');
    clients.push(client);
    const before = Date.now();
    client.doc.getText('text').insert(0, 'listed');
    await waitFor(() => client.provider.pendingCount === 0, 'saved');
    const response = await api('/documents');
    expect(response.status).toBe(200);
    const { documents } = (await response.json()) as { documents: { name: string; bytes: number; updatedAt: number; loaded: boolean }[] };
    expect(documents).toHaveLength(1);
    expect(documents[0]).toMatchObject({ name: 'team/notes', loaded: true });
    expect(documents[0]!.bytes).toBeGreaterThan(0);
    expect(documents[0]!.updatedAt).toBeGreaterThanOrEqual(before);
  });

  it('reads a document as JSON of its shared types and as a binary Yjs update', async () => {
    service = await startTestService(['--admin-token', TOKEN]);
    const client = await connectSynced(service.url, 'shapes');
    clients.push(client);
    client.doc.getText('text').insert(0, 'some text');
    client.doc.getMap('map').set('answer', 42);
    client.doc.getArray('array').push(['a', 'b']);
    const fragment = client.doc.getXmlFragment('prosemirror');
    const paragraph = new Y.XmlElement('paragraph');
    paragraph.insert(0, [new Y.XmlText('rich')]);
    fragment.insert(0, [paragraph]);
    await waitFor(() => client.provider.pendingCount === 0, 'saved');
    // Once from memory (loaded) and once from the store (after the document unloaded).
    for (const state of ['loaded', 'stored']) {
      if (state === 'stored') {
        destroyClients(clients);
        clients = [];
        await waitFor(() => !service!.server.registry.isLoaded('shapes'), 'unloaded');
      }
      const json = await api('/documents/shapes');
      expect(json.status).toBe(200);
      expect(await json.json()).toEqual({
        name: 'shapes',
        sharedTypes: {
          array: { type: 'array', value: ['a', 'b'] },
          map: { type: 'map', value: { answer: 42 } },
          prosemirror: { type: 'xml', value: '<paragraph>rich</paragraph>' },
          text: { type: 'text', value: 'some text' },
        },
      });
      const binary = await api('/documents/shapes/update');
      expect(binary.status).toBe(200);
      expect(binary.headers.get('content-type')).toBe('application/octet-stream');
      const copy = new Y.Doc();
      Y.applyUpdate(copy, new Uint8Array(await binary.arrayBuffer()));
      expect(copy.getText('text').toString()).toBe('some text');
      expect(copy.getMap('map').get('answer')).toBe(42);
    }
  });

  it('reads values JSON cannot hold: a bigint as its decimal string, binary as base64, a subdocument as its guid', async () => {
    service = await startTestService(['--admin-token', TOKEN]);
    const doc = new Y.Doc();
    doc.getMap('map').set('big', 2n ** 62n);
    doc.getMap('map').set('bytes', new Uint8Array([1, 2, 255]));
    // A subdocument's Y.Doc refers back to itself through its item: it must not recurse forever.
    doc.getMap('map').set('sub', new Y.Doc({ guid: 'sub-guid' }));
    const applied = await api('/documents/odd-values/update', { method: 'POST', body: new Uint8Array(Y.encodeStateAsUpdate(doc)) });
    expect(applied.status).toBe(200);
    const json = await api('/documents/odd-values');
    expect(json.status).toBe(200);
    expect(await json.json()).toEqual({
      name: 'odd-values',
      sharedTypes: { map: { type: 'map', value: { big: '4611686018427387904', bytes: 'AQL/', sub: { subdocument: 'sub-guid' } } } },
    });
  });

  it('applies an update server-side that reaches connected clients and is stored', async () => {
    service = await startTestService(['--admin-token', TOKEN]);
    const client = await connectSynced(service.url, 'announcements');
    clients.push(client);
    const response = await api('/documents/announcements/update', {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: textUpdate('from the admin API'),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
    await waitFor(() => client.doc.getText('text').toString() === 'from the admin API', 'the client sees the update');
    const stored = new Y.Doc();
    for (const update of await service.store.load('announcements')) Y.applyUpdate(stored, update);
    expect(stored.getText('text').toString()).toBe('from the admin API');
    expect(service.logs.lines).toContainEqual(
      expect.objectContaining({ msg: 'admin API changed a document', doc: 'announcements', action: 'apply-update' }),
    );
  });

  it('refuses a malformed update with 400 MALFORMED_UPDATE and changes nothing', async () => {
    service = await startTestService(['--admin-token', TOKEN]);
    const response = await api('/documents/victim/update', { method: 'POST', body: new Uint8Array([1, 5, 9, 9, 9, 9]) });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ ok: false, code: 'MALFORMED_UPDATE' });
    expect(await service.store.list()).toEqual([]);
  });

  it('answers 409 MISSING_DEPENDENCIES for an update that builds on changes the document lacks', async () => {
    service = await startTestService(['--admin-token', TOKEN]);
    const doc = new Y.Doc();
    doc.getText('text').insert(0, 'base');
    const base = Y.encodeStateAsUpdate(doc);
    doc.getText('text').insert(4, ' and more');
    const more = new Uint8Array(Y.encodeStateAsUpdate(doc, Y.encodeStateVectorFromUpdate(base)));
    const response = await api('/documents/gap/update', { method: 'POST', body: more });
    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({ ok: false, code: 'MISSING_DEPENDENCIES' });
    // Once what it builds on arrives, both read back.
    expect((await api('/documents/gap/update', { method: 'POST', body: new Uint8Array(base) })).status).toBe(200);
  });

  it('refuses an update over the size limit with 413 UPDATE_TOO_LARGE', async () => {
    service = await startTestService(['--admin-token', TOKEN, '--max-update-bytes', '2048']);
    const response = await api('/documents/big/update', { method: 'POST', body: textUpdate('x'.repeat(5000)) });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ ok: false, code: 'UPDATE_TOO_LARGE' });
  });

  it('answers 404 DOCUMENT_NOT_FOUND for an unknown document and 400 BAD_DOC_NAME for an invalid name', async () => {
    service = await startTestService(['--admin-token', TOKEN]);
    for (const path of ['/documents/nobody', '/documents/nobody/update']) {
      const response = await api(path);
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ ok: false, code: 'DOCUMENT_NOT_FOUND' });
    }
    expect((await api('/documents/nobody', { method: 'DELETE' })).status).toBe(404);
    for (const bad of ['%01control', '%E0%A4%A', encodeURIComponent('x'.repeat(300))]) {
      const response = await api(`/documents/${bad}`);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ ok: false, code: 'BAD_DOC_NAME' });
    }
    const wrongMethod = await api('/documents', { method: 'DELETE' });
    expect(wrongMethod.status).toBe(405);
    expect(await wrongMethod.json()).toMatchObject({ code: 'METHOD_NOT_ALLOWED' });
    expect((await api('/nothing-here')).status).toBe(404);
  });

  it('deletes a document: its clients are disconnected and every record is gone', async () => {
    service = await startTestService(['--admin-token', TOKEN]);
    const writer = await connectSynced(service.url, 'doomed');
    writer.doc.getText('text').insert(0, 'delete me');
    await waitFor(() => writer.provider.pendingCount === 0, 'saved');
    // Destroy the writer's replica, so it cannot write the document back when it reconnects.
    destroyClients([writer]);
    const watcher = await rawDocumentSocket(service.url, 'doomed');
    const reason = new Promise<string>((resolve) => watcher.once('disconnect', resolve));
    await waitFor(() => service!.server.registry.isLoaded('doomed'), 'loaded by the watcher');

    const response = await api('/documents/doomed', { method: 'DELETE' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, deleted: 'doomed' });
    expect(await reason).toBe('io server disconnect');
    expect(await service.store.load('doomed')).toEqual([]);
    expect(service.server.registry.isLoaded('doomed')).toBe(false);
    expect((await api('/documents/doomed')).status).toBe(404);
    expect((await (await api('/documents')).json()) as unknown).toEqual({ documents: [] });
    expect(service.logs.lines).toContainEqual(
      expect.objectContaining({ msg: 'admin API changed a document', doc: 'doomed', action: 'delete' }),
    );
  });
});
