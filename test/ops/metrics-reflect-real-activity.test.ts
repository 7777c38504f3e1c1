import { afterEach, describe, expect, it } from 'vitest';
import { encodeSyncFrame } from '../../shared/protocol/sync.js';
import { type TestClient, connectSynced, destroyClients } from '../helpers/clients.js';
import { emitWithAck, rawDocumentSocket } from '../helpers/raw-socket.js';
import { waitFor } from '../helpers/wait-for.js';
import { metric, scrape } from '../helpers/ops/prometheus.js';
import { type TestService, startTestService } from '../helpers/ops/service.js';

describe('GET /metrics reflects real activity', () => {
  let service: TestService | undefined;
  let clients: TestClient[] = [];
  afterEach(async () => {
    destroyClients(clients);
    clients = [];
    await service?.shutdown('test end');
  });

  it('counts connections, documents, updates, bytes, acks and store batches as clients connect, edit and leave', async () => {
    service = await startTestService();
    const { url } = service;
    const before = await scrape(url);
    expect(metric(before, 'quire_connections')).toBe(0);
    expect(metric(before, 'quire_documents_open')).toBe(0);

    const alice = await connectSynced(url, 'metered');
    const bob = await connectSynced(url, 'metered');
    clients.push(alice, bob);
    const connected = await scrape(url);
    expect(metric(connected, 'quire_connections')).toBe(2);
    expect(metric(connected, 'quire_client_connections')).toBe(2);
    expect(metric(connected, 'quire_documents_open')).toBe(1);
    expect(metric(connected, 'quire_connections_opened_total')).toBe(2);
    expect(metric(connected, 'quire_document_loads_total')).toBe(1);
    expect(metric(connected, 'quire_messages_received_total{kind="sync"}')).toBeGreaterThanOrEqual(2);

    let updateBytes = 0;
    alice.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin !== alice.provider) updateBytes += update.byteLength;
    });
    alice.doc.getText('text').insert(0, 'hello metrics');
    await waitFor(() => bob.doc.getText('text').toString() === 'hello metrics', 'bob sees the edit');
    await waitFor(() => alice.provider.pendingCount === 0, 'alice saved');
    const edited = await scrape(url);
    const updatesIn = metric(edited, 'quire_messages_received_total{kind="update"}');
    expect(updatesIn).toBeGreaterThanOrEqual(1);
    // Each update travels inside a sync frame, so the wire bytes exceed the Yjs update's own.
    expect(metric(edited, 'quire_message_bytes_received_total{kind="update"}')).toBeGreaterThan(updateBytes);
    expect(metric(edited, 'quire_messages_sent_total{kind="update"}')).toBeGreaterThanOrEqual(1);
    expect(metric(edited, 'quire_message_bytes_sent_total{kind="update"}')).toBeGreaterThan(0);
    expect(metric(edited, 'quire_update_ack_duration_seconds_count')).toBe(updatesIn);
    expect(metric(edited, 'quire_update_ack_duration_seconds_sum')).toBeGreaterThan(0);
    expect(metric(edited, 'quire_store_batch_updates_count')).toBeGreaterThanOrEqual(1);
    expect(metric(edited, 'quire_store_batch_updates_sum')).toBeGreaterThanOrEqual(1);
    expect(metric(edited, 'quire_store_batch_bytes_sum')).toBeGreaterThanOrEqual(updateBytes);
    expect(metric(edited, 'quire_store_batch_duration_seconds_count')).toBeGreaterThanOrEqual(1);

    alice.provider.awareness.setLocalStateField('user', { name: 'Alice' });
    await waitFor(() => bob.provider.awareness.getStates().has(alice.doc.clientID), 'bob sees alice');
    const present = await scrape(url);
    expect(metric(present, 'quire_messages_received_total{kind="awareness"}')).toBeGreaterThanOrEqual(1);
    expect(metric(present, 'quire_messages_sent_total{kind="awareness"}')).toBeGreaterThanOrEqual(1);

    destroyClients(clients);
    clients = [];
    await waitFor(async () => metric(await scrape(url), 'quire_documents_open') === 0, 'document unloaded after the grace period');
    const left = await scrape(url);
    expect(metric(left, 'quire_connections')).toBe(0);
    expect(metric(left, 'quire_document_unloads_total')).toBe(1);
  });

  it('counts errors by code and operation', async () => {
    service = await startTestService();
    const socket = await rawDocumentSocket(service.url, 'errors');
    expect(await emitWithAck(socket, 'update', 'not bytes')).toMatchObject({ code: 'BAD_PAYLOAD' });
    expect(await emitWithAck(socket, 'update', encodeSyncFrame('update', new Uint8Array([1, 5, 9, 9, 9])))).toMatchObject({
      code: 'MALFORMED_UPDATE',
    });
    expect(await emitWithAck(socket, 'update', encodeSyncFrame('update', new Uint8Array([1, 5, 9, 9, 9])))).toMatchObject({
      code: 'MALFORMED_UPDATE',
    });
    socket.close();
    const values = await scrape(service.url);
    expect(metric(values, 'quire_errors_total{code="BAD_PAYLOAD",operation="update"}')).toBe(1);
    expect(metric(values, 'quire_errors_total{code="MALFORMED_UPDATE",operation="update"}')).toBe(2);
    // The log says which document and which code, and nothing of what was sent.
    const warnings = service.logs.lines.filter((line) => line.code === 'MALFORMED_UPDATE');
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatchObject({ doc: 'errors', code: 'MALFORMED_UPDATE', operation: 'update' });
  });

  it('exposes process memory and event-loop lag', async () => {
    service = await startTestService();
    const values = await scrape(service.url);
    expect(metric(values, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(metric(values, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    expect(values.has('nodejs_eventloop_lag_seconds')).toBe(true);
    expect(values.has('nodejs_eventloop_lag_p99_seconds')).toBe(true);
  });

  it('keeps document content out of the logs', async () => {
    service = await startTestService(['--unload-grace-ms', '0']);
    const secret = 'the-launch-code-is-4815162342';
    const client = await connectSynced(service.url, 'classified');
    clients.push(client);
    client.doc.getText('text').insert(0, secret);
    client.doc.getMap('map').set('key', secret);
    await waitFor(() => client.provider.pendingCount === 0, 'saved');
    destroyClients(clients);
    clients = [];
    await waitFor(() => service!.logs.lines.some((line) => line.msg === 'document unloaded'), 'unload logged');
    expect(service.logs.lines.some((line) => line.doc === 'classified')).toBe(true);
    expect(JSON.stringify(service.logs.lines)).not.toContain(secret);
  });
});

describe('GET /metrics access', () => {
  let service: TestService | undefined;
  afterEach(async () => {
    await service?.shutdown('test end');
  });

  it('asks for the metrics token when one is configured', async () => {
    const token = 'metrics-token-0123456789';
    service = await startTestService(['--metrics-token', token]);
    const anonymous = await fetch(`${service.url}/metrics`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toContain('Bearer');
    expect((await fetch(`${service.url}/metrics`, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
    const allowed = await fetch(`${service.url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('content-type')).toContain('text/plain');
    expect(await allowed.text()).toContain('quire_documents_open');
  });

  it('is not served when metrics are turned off', async () => {
    service = await startTestService(['--no-metrics']);
    const response = await fetch(`${service.url}/metrics`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ ok: false, code: 'NOT_FOUND' });
  });
});
