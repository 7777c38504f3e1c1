import { afterEach, describe, expect, it } from 'vitest';
import { type TestClient, connectSynced, destroyClients } from '../helpers/clients.js';
import { Readiness } from '../../server/http/readiness.js';
import { type TestService, startTestService } from '../helpers/ops/service.js';

describe('readiness', () => {
  let service: TestService | undefined;
  let clients: TestClient[] = [];
  afterEach(async () => {
    destroyClients(clients);
    clients = [];
    await service?.shutdown('test end');
  });

  it('is not ready while starting, ready once the store is open and the server listens', async () => {
    const readiness = new Readiness();
    expect(readiness.report()).toEqual({ ready: false, phase: 'starting', store: 'accepting' });
    service = await startTestService();
    const response = await fetch(`${service.url}/readyz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ready: true, phase: 'ready', store: 'accepting' });
    expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
  });

  it('answers 503 from the first moment of a shutdown, while still serving, then stops accepting', async () => {
    service = await startTestService(['--shutdown-delay-ms', '400']);
    const { url } = service;
    const client = await connectSynced(url, 'during-shutdown');
    clients.push(client);

    const stopped = service.shutdown('SIGTERM');
    // The flip is synchronous: no request can see "ready" once shutdown has begun.
    const notReady = await fetch(`${url}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toMatchObject({ ready: false, phase: 'stopping' });
    // Liveness is unaffected: the process is healthy, only leaving.
    expect((await fetch(`${url}/healthz`)).status).toBe(200);

    await stopped;
    // Flushed and closed: the store takes nothing more.
    await expect(service.store.load('during-shutdown')).rejects.toThrow();
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    service = undefined;
  });

  it('reports the store closed after shutdown', async () => {
    service = await startTestService();
    const { readiness } = service;
    await service.shutdown('test');
    service = undefined;
    expect(readiness.report()).toEqual({ ready: false, phase: 'stopping', store: 'closed' });
  });
});
