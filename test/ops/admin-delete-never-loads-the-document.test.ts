import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { SlowStore } from '../helpers/slow-store.js';
import { type TestService, startTestService } from '../helpers/ops/service.js';

const TOKEN = 'admin-token-for-tests-0123456789';

describe('admin DELETE of a document', () => {
  let service: TestService | null = null;
  afterEach(async () => {
    await service?.shutdown('test');
    service = null;
  });

  it('asks the store whether it exists instead of reading it', async () => {
    const store = new SlowStore(0);
    const doc = new Y.Doc();
    doc.getText('text').insert(0, 'a document nobody has open');
    await store.append('stored', Y.encodeStateAsUpdate(doc));
    service = await startTestService(['--admin-token', TOKEN], store);
    const auth = { authorization: `Bearer ${TOKEN}` };

    const deleted = await fetch(`${service.url}/admin/documents/stored`, { method: 'DELETE', headers: auth });
    expect(deleted.status).toBe(200);
    const missing = await fetch(`${service.url}/admin/documents/never-stored`, { method: 'DELETE', headers: auth });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { code: string }).code).toBe('DOCUMENT_NOT_FOUND');
    expect(store.loads).toBe(0);
    expect(await store.has('stored')).toBe(false);
  });
});
