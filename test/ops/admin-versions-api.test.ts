import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { type TestClient, connectSynced, destroyClients } from '../helpers/clients.js';
import { waitFor } from '../helpers/wait-for.js';
import { type TestService, startTestService } from '../helpers/ops/service.js';
import { removeTempDirs, tempDir } from '../helpers/temp-dir.js';

const TOKEN = 'admin-token-for-tests-0123456789';
const auth = { authorization: `Bearer ${TOKEN}` };

describe('admin API: versions', () => {
  let service: TestService | undefined;
  let clients: TestClient[] = [];
  let dataDir: string | undefined;
  afterEach(async () => {
    destroyClients(clients);
    clients = [];
    await service?.shutdown('test end');
    await removeTempDirs();
  });

  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${service!.url}/admin/documents/${encodeURIComponent('team/notes')}${path}`, {
      ...init,
      headers: { ...auth, ...(init.headers as Record<string, string> | undefined) },
    });
  const post = (path: string, body: unknown) =>
    api(path, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

  it('creates, lists, reads as JSON and binary, restores, renames and deletes versions', async () => {
    dataDir = await tempDir('admin-versions');
    service = await startTestService(['--admin-token', TOKEN, '--data', dataDir], 'leveldb');
    const client = await connectSynced(service.url, 'team/notes');
    clients.push(client);
    client.doc.getText('text').insert(0, 'v1 text');
    client.doc.getXmlFragment('default').insert(0, [new Y.XmlText('v1 editor')]);
    await waitFor(() => client.provider.pendingCount === 0, 'saved');

    const created = await post('/versions', { name: 'Release 1' });
    expect(created.status).toBe(200);
    const { version } = (await created.json()) as { version: { id: number; name: string; kind: string } };
    expect(version).toMatchObject({ name: 'Release 1', kind: 'named' });

    client.doc.getText('text').insert(0, 'later ');
    client.doc.getXmlFragment('default').insert(0, [new Y.XmlText('later editor ')]);
    await waitFor(() => client.provider.pendingCount === 0, 'saved');

    const list = (await (await api('/versions')).json()) as { versions: { id: number }[] };
    expect(list.versions.map((v) => v.id)).toEqual([version.id]);

    const asJson = (await (await api(`/versions/${version.id}`)).json()) as {
      name: string;
      version: unknown;
      sharedTypes: Record<string, { type: string; value: unknown }>;
    };
    expect(asJson.name).toBe('team/notes');
    expect(asJson.sharedTypes.text).toEqual({ type: 'text', value: 'v1 text' });

    const binary = await api(`/versions/${version.id}/update`);
    expect(binary.headers.get('content-type')).toBe('application/octet-stream');
    const doc = new Y.Doc();
    Y.applyUpdate(doc, new Uint8Array(await binary.arrayBuffer()));
    expect(doc.getXmlFragment('default').toString()).toBe('v1 editor');

    const restored = await post(`/versions/${version.id}/restore`, {});
    expect(restored.status).toBe(200);
    expect(await restored.json()).toMatchObject({ ok: true, changed: true, backup: { kind: 'backup' }, restore: { kind: 'restore' } });
    await waitFor(() => client.doc.getXmlFragment('default').toString() === 'v1 editor', 'the client sees the restore');
    // Only the editor root is restored by default.
    expect(client.doc.getText('text').toString()).toBe('later v1 text');

    const renamed = await api(`/versions/${version.id}`, { method: 'PATCH', body: JSON.stringify({ name: 'Release 1.0' }) });
    expect(await renamed.json()).toMatchObject({ ok: true, version: { name: 'Release 1.0' } });
    expect((await api(`/versions/${version.id}`, { method: 'DELETE' })).status).toBe(200);
    const after = (await (await api('/versions')).json()) as { versions: { kind: string }[] };
    expect(after.versions.map((v) => v.kind)).toEqual(['backup', 'restore']);
  });

  it('answers bad requests with a status and a code', async () => {
    service = await startTestService(['--admin-token', TOKEN]);
    const client = await connectSynced(service.url, 'team/notes');
    clients.push(client);
    client.doc.getText('text').insert(0, 'x');
    await waitFor(() => client.provider.pendingCount === 0, 'saved');
    const cases: Array<[Promise<Response>, number, string]> = [
      [api('/versions/7'), 404, 'VERSION_NOT_FOUND'],
      [api('/versions/7/update'), 404, 'VERSION_NOT_FOUND'],
      [post('/versions/7/restore', {}), 404, 'VERSION_NOT_FOUND'],
      [api('/versions/abc'), 400, 'BAD_PAYLOAD'],
      [api('/versions/0'), 400, 'BAD_PAYLOAD'],
      [api('/versions/99999999999999999999'), 400, 'BAD_PAYLOAD'],
      [api('/versions/1/other'), 404, 'NOT_FOUND'],
      [api('/versions', { method: 'POST', body: '{not json' }), 400, 'BAD_PAYLOAD'],
      [post('/versions', { name: 42 }), 400, 'BAD_PAYLOAD'],
      [post('/versions', [1]), 400, 'BAD_PAYLOAD'],
      [api('/versions', { method: 'DELETE' }), 405, 'METHOD_NOT_ALLOWED'],
      [fetch(`${service.url}/admin/documents/never/versions`, { method: 'POST', headers: auth }), 404, 'DOCUMENT_NOT_FOUND'],
    ];
    for (const [pending, status, code] of cases) {
      const response = await pending;
      expect([response.status, ((await response.json()) as { code: string }).code]).toEqual([status, code]);
    }
    const id = ((await (await post('/versions', {})).json()) as { version: { id: number } }).version.id;
    expect((await post(`/versions/${id}/restore`, { roots: 'default' })).status).toBe(400);
    expect((await post(`/versions/${id}/restore`, { roots: ['text'] })).status).toBe(200);
  });
});
