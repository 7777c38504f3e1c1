import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { LevelDbStore } from '../../server/persistence/leveldb-store.js';
import { type TestService, startTestService } from '../helpers/ops/service.js';
import { removeTempDirs, tempDir } from '../helpers/temp-dir.js';

const TOKEN = 'admin-token-for-tests-0123456789';
const KEYSTROKES = 30_000;

/**
 * A stored document with a long uncompacted tail (a compaction that kept failing, or a document
 * written with compaction off) is read by the admin API without stalling the server: the merge
 * runs on a worker thread, so health checks keep being answered meanwhile.
 */
describe('admin reads of an unloaded document with a long tail', () => {
  let dir: string;
  let service: TestService;
  let expectedText: string;

  beforeAll(async () => {
    dir = await tempDir('admin-tail');
    const store = await LevelDbStore.open({
      path: dir,
      compactAfterUpdates: Number.POSITIVE_INFINITY,
      compactAfterBytes: Number.POSITIVE_INFINITY,
    });
    const doc = new Y.Doc();
    const appends: Promise<void>[] = [];
    doc.on('update', (update: Uint8Array) => appends.push(store.append('long-tail', update)));
    const text = doc.getText('text');
    for (let i = 0; i < KEYSTROKES; i++) text.insert(i, String.fromCharCode(97 + (i % 26)));
    await Promise.all(appends);
    expectedText = text.toString();
    await store.close();
    service = await startTestService(
      ['--admin-token', TOKEN, '--data', dir, '--compact-after-updates', '0', '--compact-after-bytes', '0'],
      'leveldb',
    );
  }, 120_000);

  afterAll(async () => {
    await service?.shutdown('test');
    await removeTempDirs();
  });

  it('answers health checks all along while it merges the tail, and returns the whole document', async () => {
    for (const path of ['/admin/documents/long-tail', '/admin/documents/long-tail/update']) {
      const answeredAt: number[] = [];
      let done = false;
      const started = performance.now();
      const request = fetch(`${service.url}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } }).then(async (response) => {
        const body = new Uint8Array(await response.arrayBuffer());
        done = true;
        return { status: response.status, body };
      });
      while (!done) {
        await fetch(`${service.url}/healthz`);
        answeredAt.push(performance.now());
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      const { status, body } = await request;
      const duration = performance.now() - started;
      expect(status).toBe(200);
      if (path.endsWith('/update')) {
        const read = new Y.Doc();
        Y.applyUpdate(read, body);
        expect(read.getText('text').toString()).toBe(expectedText);
      } else {
        const json = JSON.parse(new TextDecoder().decode(body)) as { sharedTypes: { text: { value: string } } };
        expect(json.sharedTypes.text.value).toBe(expectedText);
      }
      // The document was read without being loaded into the server.
      expect(service.server.isLoaded('long-tail')).toBe(false);
      // On the event loop, the merge would leave one gap as long as the whole request.
      const gaps = answeredAt.slice(1).map((at, i) => at - answeredAt[i]!);
      expect(Math.max(...gaps, 0)).toBeLessThan(duration / 2);
    }
  });
});
