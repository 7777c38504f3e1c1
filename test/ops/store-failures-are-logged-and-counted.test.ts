import { afterEach, describe, expect, it } from 'vitest';
import { MemoryStore } from '../../server/persistence/memory-store.js';
import { type TestClient, connectSynced, destroyClients } from '../helpers/clients.js';
import { waitFor } from '../helpers/wait-for.js';
import { metric, scrape } from '../helpers/ops/prometheus.js';
import { type TestService, startTestService } from '../helpers/ops/service.js';

/** A memory store whose writes can be made to fail, like a full or failing disk. */
class FailingStore extends MemoryStore {
  failing = false;
  override async append(name: string, update: Uint8Array): Promise<void> {
    if (this.failing) throw new Error('injected write failure: disk full');
    return super.append(name, update);
  }
}

describe('a failed store write', () => {
  let service: TestService | undefined;
  let clients: TestClient[] = [];
  afterEach(async () => {
    destroyClients(clients);
    clients = [];
    await service?.shutdown('test end');
  });

  it('is logged as an error with the document name, code and cause, and counted; the server stays up', async () => {
    const store = new FailingStore();
    service = await startTestService([], store);
    const client = await connectSynced(service.url, 'on-a-full-disk');
    clients.push(client);
    store.failing = true;
    client.doc.getText('text').insert(0, 'not durable yet');
    await waitFor(
      () => service!.logs.lines.some((line) => line.code === 'STORE_FAILED' && line.operation === 'store-write'),
      'the failure logged',
    );

    const line = service.logs.lines.find((l) => l.code === 'STORE_FAILED' && l.operation === 'store-write')!;
    expect(line).toMatchObject({ level: 50, doc: 'on-a-full-disk', code: 'STORE_FAILED' });
    expect((line.err as { message: string }).message).toContain('disk full');
    expect(JSON.stringify(service.logs.lines)).not.toContain('not durable yet');
    const values = await scrape(service.url);
    expect(metric(values, 'quire_errors_total{code="STORE_FAILED",operation="store-write"}')).toBeGreaterThanOrEqual(1);
    expect(metric(values, 'quire_store_batch_failures_total')).toBeGreaterThanOrEqual(1);
    expect(client.provider.pendingCount).toBeGreaterThan(0);

    // The disk recovers: the client's retry is acknowledged and the server never went down.
    store.failing = false;
    await waitFor(() => client.provider.pendingCount === 0, 'the retried update acknowledged', 20_000);
    expect((await fetch(`${service.url}/readyz`)).status).toBe(200);
  });
});
