import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type TestClient, connectSynced, destroyClients } from '../helpers/clients.js';
import { waitFor } from '../helpers/wait-for.js';
import { type TestService, startTestService } from '../helpers/ops/service.js';
import { FaultProxy } from '../helpers/cluster/fault-proxy.js';
import { POSTGRES_URL, dropSchema, postgresReachable, postgresUrlFor, uniqueSchema } from '../helpers/cluster/services.js';

describe.skipIf(!postgresReachable)('a node whose link to PostgreSQL breaks', () => {
  let link: FaultProxy;
  let node: TestService;
  let schema: string;
  let clients: TestClient[] = [];

  beforeEach(async () => {
    link = await FaultProxy.start(Number(new URL(POSTGRES_URL).port));
    schema = uniqueSchema('readiness');
    node = await startTestService(['--store', link.urlFor(postgresUrlFor(schema))], 'leveldb');
  });

  afterEach(async () => {
    destroyClients(clients);
    clients = [];
    link.set('pass');
    await node.shutdown('test over');
    await link.close();
    await dropSchema(schema);
  });

  const readyz = async () => {
    const response = await fetch(`${node.url}/readyz`);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it('reports not ready while it cannot commit, acknowledges nothing meanwhile, and recovers with the link', async () => {
    const client = await connectSynced(node.url, 'cut-off');
    clients = [client];
    client.doc.getText('t').insert(0, 'before. ');
    await waitFor(() => client.provider.pendingCount === 0, 'the first edit acknowledged');
    expect((await readyz()).status).toBe(200);

    link.set('reset');
    await waitFor(async () => (await readyz()).status === 503, '/readyz to fail', 15_000, 100);
    expect((await readyz()).body).toMatchObject({ ready: false, store: 'unavailable' });
    client.doc.getText('t').insert(0, 'during. ');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(client.provider.pendingCount).toBe(1);

    link.set('pass');
    await waitFor(async () => (await readyz()).status === 200, '/readyz to recover', 15_000, 100);
    await waitFor(() => client.provider.pendingCount === 0, 'the edit made during the cut acknowledged', 30_000);
    expect(await node.server.store.load('cut-off')).not.toEqual([]);
  });
});
