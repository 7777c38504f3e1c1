/**
 * The server relays an edit, and answers a joiner, only once what it hands out is durable: a
 * crash right after can never take back what another client already received (it would live on
 * only in that client, which may not upload it under its author's client id).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type TestClient, connectClient, connectSynced, destroyClients } from '../helpers/clients.js';
import { GatedAppendStore } from '../helpers/gated-append-store.js';
import { type RunningServer, startServer } from '../helpers/server.js';
import { delay, waitFor } from '../helpers/wait-for.js';

describe('receivers get only what the server has stored', () => {
  let running: RunningServer | undefined;
  let clients: TestClient[] = [];
  afterEach(async () => {
    destroyClients(clients);
    clients = [];
    await running?.close();
  });

  async function start(store: GatedAppendStore): Promise<[TestClient, TestClient]> {
    running = await startServer({ store });
    const alice = await connectSynced(running.url, 'stored-first');
    const bob = await connectSynced(running.url, 'stored-first');
    clients.push(alice, bob);
    return [alice, bob];
  }

  it('relays an edit to the others only once its write is durable', async () => {
    const store = new GatedAppendStore();
    const [alice, bob] = await start(store);
    store.hold();
    alice.doc.getText('text').insert(0, 'hello');
    await delay(300);
    expect(bob.doc.getText('text').toString()).toBe('');
    expect(alice.provider.pendingCount).toBe(1);
    store.open();
    await waitFor(() => bob.doc.getText('text').toString() === 'hello', 'the relayed edit');
    await waitFor(() => alice.provider.pendingCount === 0, 'the acknowledgement');
  });

  it('answers a joiner only once the state it sends is durable', async () => {
    const store = new GatedAppendStore();
    const [alice] = await start(store);
    store.hold();
    alice.doc.getText('text').insert(0, 'not yet stored');
    await delay(50);
    const carol = connectClient(running!.url, 'stored-first');
    clients.push(carol);
    await delay(300);
    expect(carol.provider.synced).toBe(false);
    expect(carol.doc.getText('text').toString()).toBe('');
    store.open();
    await carol.provider.whenSynced();
    expect(carol.doc.getText('text').toString()).toBe('not yet stored');
  });

  it('does not relay an edit whose write failed until a retry stores it', async () => {
    const store = new GatedAppendStore();
    const [alice, bob] = await start(store);
    store.failNext(1);
    const refusals: string[] = [];
    alice.provider.on('notice', ({ code }) => refusals.push(`${code}, bob has ${JSON.stringify(bob.doc.getText('text').toString())}`));
    alice.doc.getText('text').insert(0, 'retried');
    // The failed write is refused with STORE_FAILED; the provider sends it again after a pause.
    await waitFor(() => alice.provider.pendingCount === 0, 'the retried edit to be stored', 15_000);
    await waitFor(() => bob.doc.getText('text').toString() === 'retried', 'the edit, once stored');
    expect(refusals[0]).toBe('STORE_FAILED, bob has ""');
    // Stored once the retry succeeded: a fresh reader sees it too.
    const reader = await connectSynced(running!.url, 'stored-first');
    clients.push(reader);
    expect(reader.doc.getText('text').toString()).toBe('retried');
  });
});
