import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as Y from 'yjs';
import { afterEach, describe, expect, it } from 'vitest';
import { LevelDbStore } from '../../server/persistence/leveldb-store.js';
import { type TestClient, connectClient, connectSynced, destroyClients } from '../helpers/clients.js';
import { waitFor } from '../helpers/wait-for.js';
import { metric, scrape } from '../helpers/ops/prometheus.js';
import { type TestService, startTestService } from '../helpers/ops/service.js';
import { removeTempDirs, tempDir } from '../helpers/temp-dir.js';

const ADMIN = 'admin-token-for-damaged-documents';

/**
 * Documents 0–9 are written, then closed (LevelDB moves them into a table at the next open);
 * documents 0–4 get more edits, which stay in the write-ahead log; then bytes of the log are
 * flipped. LevelDB skips the damaged log records when it recovers, silently: documents 0–4 lost
 * acknowledged updates, 5–9 are whole.
 */
async function damagedDataDirectory(dataDir: string): Promise<void> {
  const docs = Array.from({ length: 10 }, () => new Y.Doc());
  for (const session of [0, 1]) {
    const store = await LevelDbStore.open({ path: dataDir });
    for (const [i, doc] of docs.entries()) {
      if (session === 1 && i >= 5) continue;
      for (let edit = 0; edit < 5; edit++) {
        let update!: Uint8Array;
        doc.once('update', (u: Uint8Array) => (update = u));
        doc.getText('text').insert(0, `session ${session} edit ${edit} of document ${i}. `);
        await store.append(`doc-${i}`, update);
      }
    }
    await store.close();
  }
  const log = readdirSync(dataDir).find((f) => f.endsWith('.log'))!;
  const data = readFileSync(join(dataDir, log));
  for (let i = 0; i < data.length; i += 997) data[i]! ^= 0xa5;
  writeFileSync(join(dataDir, log), data);
}

describe('documents whose stored records are damaged', () => {
  let service: TestService | undefined;
  let clients: TestClient[] = [];
  afterEach(async () => {
    destroyClients(clients);
    clients = [];
    await service?.shutdown('test end');
    service = undefined;
    await removeTempDirs();
  });

  it('are logged at start, refused with LOAD_FAILED (never served empty), listed with their problem; the rest work', async () => {
    const dataDir = join(await tempDir('damaged-docs'), 'data');
    await damagedDataDirectory(dataDir);
    service = await startTestService(['--data', dataDir, '--admin-token', ADMIN], 'leveldb');

    const damagedLines = service.logs.lines.filter((line) => line.level === 50 && line.code === 'LOAD_FAILED');
    expect(damagedLines.map((line) => line.doc).sort()).toEqual(['doc-0', 'doc-1', 'doc-2', 'doc-3', 'doc-4']);
    expect(damagedLines[0]!.problem).toMatch(/acknowledged but are missing/);
    expect(metric(await scrape(service.url), 'quire_documents_damaged')).toBe(5);

    const listing = await fetch(`${service.url}/admin/documents`, { headers: { authorization: `Bearer ${ADMIN}` } });
    expect(listing.status).toBe(200);
    const { documents } = (await listing.json()) as { documents: Array<{ name: string; problem?: string }> };
    expect(documents.filter((d) => d.problem !== undefined).map((d) => d.name)).toEqual(['doc-0', 'doc-1', 'doc-2', 'doc-3', 'doc-4']);
    expect(documents.filter((d) => d.problem === undefined).map((d) => d.name)).toEqual(['doc-5', 'doc-6', 'doc-7', 'doc-8', 'doc-9']);

    const damaged = connectClient(service.url, 'doc-2');
    clients.push(damaged);
    const notices: string[] = [];
    damaged.provider.on('notice', (info) => notices.push(info.code));
    await waitFor(() => notices.includes('LOAD_FAILED'), 'LOAD_FAILED for the damaged document');
    expect(damaged.provider.synced).toBe(false);
    expect(
      service.logs.lines.some(
        (line) =>
          line.operation === 'load' && line.doc === 'doc-2' && String((line.err as { message?: string })?.message).includes('"doc-2"'),
      ),
    ).toBe(true);
    // Its content through the admin API is refused too, not an empty document.
    const state = await fetch(`${service.url}/admin/documents/doc-2/update`, { headers: { authorization: `Bearer ${ADMIN}` } });
    expect(state.status).toBe(500);
    expect(await state.json()).toMatchObject({
      ok: false,
      code: 'LOAD_FAILED',
      message: expect.stringMatching(/"doc-2".*acknowledged but are missing/),
    });

    const healthy = await connectSynced(service.url, 'doc-7');
    clients.push(healthy);
    expect(healthy.doc.getText('text').toString()).toContain('session 0 edit 4 of document 7');
    healthy.doc.getText('text').insert(0, 'still writable. ');
    await waitFor(() => healthy.provider.pendingCount === 0, 'an edit of a healthy document acknowledged');
    expect((await fetch(`${service.url}/readyz`)).status).toBe(200);
  });
});
