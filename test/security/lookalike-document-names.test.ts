import { io as connectSocket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { QuireProvider } from '../../client/index.js';
import { docNameProblem } from '../../shared/doc-name.js';
import { QuireError } from '../../shared/errors.js';
import { PROTOCOL_VERSION } from '../../shared/protocol/version.js';
import * as Y from 'yjs';
import { connectSynced, destroyClients } from '../helpers/clients.js';
import { converged } from '../helpers/convergence.js';
import { waitFor } from '../helpers/wait-for.js';
import { startTestService, type TestService } from '../helpers/ops/service.js';

const composed = 'caf\u00e9';
const decomposed = 'cafe\u0301';
// Each looks like "team/notes" (or like a name with an ordinary space) on screen.
const invisible: [string, string][] = [
  ['a zero-width space', 'team/\u200bnotes'],
  ['a zero-width joiner', 'team/no\u200dtes'],
  ['a right-to-left override', 'team/\u202enotes'],
  ['a bidi isolate', 'team/\u2066notes\u2069'],
  ['a byte-order mark', '\ufeffteam/notes'],
  ['a soft hyphen', 'team/no\u00adtes'],
  ['a word joiner', 'team/\u2060notes'],
  ['a variation selector', 'team/notes\ufe0f'],
  ['a Hangul filler', 'team/\u3164notes'],
  ['a no-break space', 'team notes\u00a0x'],
  ['an ideographic space', 'team\u3000notes'],
  ['a line separator', 'team\u2028notes'],
  ['a tag character', 'team/notes\u{e0041}'],
];

function rawRefusal(url: string, namespace: string): Promise<string> {
  const socket = connectSocket(url + namespace, {
    forceNew: true,
    reconnection: false,
    transports: ['websocket'],
    auth: { protocol: PROTOCOL_VERSION },
  });
  return new Promise((resolve) => {
    socket.once('connect', () => {
      socket.close();
      resolve('connected');
    });
    socket.once('connect_error', (error: Error & { data?: { code?: string } }) => {
      socket.close();
      resolve(error.data?.code ?? error.message);
    });
  });
}

describe('document names that look the same', () => {
  let service: TestService | null = null;
  afterEach(async () => {
    await service?.shutdown('test');
    service = null;
  });

  it('open one document whether "café" is typed precomposed or with a combining accent, on every entry point', async () => {
    service = await startTestService(['--admin-token', 'admin-token-for-tests-0123456789']);
    const { url } = service;
    const [a, b] = await Promise.all([connectSynced(url, composed), connectSynced(url, decomposed)]);
    expect(b.provider.docName).toBe(composed);
    a.doc.getText('text').insert(0, 'one document');
    await waitFor(
      () => converged([a.doc, b.doc]) && b.doc.getText('text').toString() === 'one document',
      'both spellings to share the document',
    );
    const handle = await service.server.openDocument(decomposed);
    expect(handle.doc.getText('text').toString()).toBe('one document');
    await handle.release();
    const admin = await fetch(`${url}/admin/documents/${encodeURIComponent(decomposed)}`, {
      headers: { authorization: 'Bearer admin-token-for-tests-0123456789' },
    });
    expect(admin.status).toBe(200);
    expect(((await admin.json()) as { name: string }).name).toBe(composed);
    destroyClients([a, b]);
    await waitFor(() => service!.store.has(composed), 'the document to be stored');
    expect(await service.store.has(decomposed)).toBe(false);
  });

  it('refuse a namespace that spells the name in another normal form, so no second document can appear', async () => {
    service = await startTestService();
    expect(await rawRefusal(service.url, `/doc/${encodeURIComponent(decomposed)}`)).toBe('BAD_DOC_NAME');
    expect(await rawRefusal(service.url, `/doc/${encodeURIComponent(composed)}`)).toBe('connected');
  });

  it.each(invisible)('refuse %s everywhere: provider, server, wire and admin API', async (_what, name) => {
    expect(docNameProblem(name)).toMatch(/invisible characters or special spaces/);
    expect(() => new QuireProvider('http://127.0.0.1:1', name, new Y.Doc(), { connect: false })).toThrow(QuireError);
    service ??= await startTestService(['--admin-token', 'admin-token-for-tests-0123456789']);
    await expect(service.server.openDocument(name)).rejects.toMatchObject({ code: 'BAD_DOC_NAME' });
    expect(await rawRefusal(service.url, `/doc/${encodeURIComponent(name)}`)).toBe('BAD_DOC_NAME');
    const admin = await fetch(`${service.url}/admin/documents/${encodeURIComponent(name)}`, {
      headers: { authorization: 'Bearer admin-token-for-tests-0123456789' },
    });
    expect(admin.status).toBe(400);
    expect(((await admin.json()) as { code: string }).code).toBe('BAD_DOC_NAME');
  });

  it('still accept names in any script, with ordinary spaces and emoji', () => {
    for (const name of ['team notes', 'Ελληνικά/σημειώσεις', '日本語のメモ', 'ملاحظات', 'notes 🚀', 'a/b/c.md']) {
      expect(docNameProblem(name), name).toBeNull();
    }
  });
});
