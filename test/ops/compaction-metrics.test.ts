import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type TestClient, connectSynced, destroyClients } from '../helpers/clients.js';
import { waitFor } from '../helpers/wait-for.js';
import { metric, scrape } from '../helpers/ops/prometheus.js';
import { type TestService, startTestService } from '../helpers/ops/service.js';
import { removeTempDirs, tempDir } from '../helpers/temp-dir.js';

describe('compaction metrics on the LevelDB store', () => {
  let service: TestService | undefined;
  let clients: TestClient[] = [];
  let dataDir: string | undefined;
  afterEach(async () => {
    destroyClients(clients);
    clients = [];
    await service?.shutdown('test end');
    await removeTempDirs();
  });

  it('counts the compactions the store runs once a document passes --compact-after-updates', async () => {
    dataDir = join(await tempDir('compaction'), 'data');
    service = await startTestService(['--data', dataDir, '--compact-after-updates', '5'], 'leveldb');
    expect(metric(await scrape(service.url), 'quire_compactions_total')).toBe(0);
    const client = await connectSynced(service.url, 'growing');
    clients.push(client);
    for (let i = 0; i < 12; i++) {
      client.doc.getText('text').insert(i, 'x');
      await waitFor(() => client.provider.pendingCount === 0, `edit ${i} acknowledged`);
    }
    await waitFor(async () => metric(await scrape(service!.url), 'quire_compactions_total') >= 1, 'a compaction counted');
    const values = await scrape(service.url);
    expect(metric(values, 'quire_compaction_failures_total')).toBe(0);
    expect(metric(values, 'quire_store_batch_updates_sum')).toBeGreaterThanOrEqual(12);
  });
});
