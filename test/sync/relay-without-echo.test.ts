import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { decodeSyncFrame, encodeSyncFrame } from '../../shared/protocol/sync.js';
import { type TestClient, connectSynced, destroyClients } from '../helpers/clients.js';
import { emitWithAck, rawDocumentSocket } from '../helpers/raw-socket.js';
import { type RunningServer, startServer } from '../helpers/server.js';
import { delay, waitFor } from '../helpers/wait-for.js';

describe('updates are relayed to the others, merged per turn, never echoed', () => {
  let running: RunningServer;
  let clients: TestClient[] = [];
  afterEach(async () => {
    destroyClients(clients);
    clients = [];
    await running?.close();
  });

  it('the sender gets no echo; everyone else gets one merged message for a burst', async () => {
    running = await startServer();
    const sender = await rawDocumentSocket(running.url, 'burst');
    const receiver = await rawDocumentSocket(running.url, 'burst');
    const senderGot: Uint8Array[] = [];
    const receiverGot: Uint8Array[] = [];
    sender.on('update', (frame: Uint8Array) => senderGot.push(frame));
    receiver.on('update', (frame: Uint8Array) => receiverGot.push(frame));
    for (const socket of [sender, receiver]) await emitWithAck(socket, 'sync-step-1', encodeSyncFrame('step1', new Uint8Array([0])));

    const doc = new Y.Doc();
    const updates: Uint8Array[] = [];
    doc.on('update', (update: Uint8Array) => updates.push(update));
    for (let i = 0; i < 20; i++) doc.getText('text').insert(i, 'x');
    // Twenty updates in one packet burst: sent back to back, they arrive in one read.
    const acks = updates.map((update) => emitWithAck(sender, 'update', encodeSyncFrame('update', update)));
    expect((await Promise.all(acks)).every((a) => a.ok)).toBe(true);
    await waitFor(() => {
      const replica = new Y.Doc();
      for (const frame of receiverGot) Y.applyUpdate(replica, decodeSyncFrame(frame).payload);
      return replica.getText('text').toString() === 'x'.repeat(20);
    }, 'receiver has all');
    await delay(50);
    expect(senderGot).toHaveLength(0);
    expect(receiverGot.length).toBeLessThan(20);
    sender.close();
    receiver.close();
  });

  it('server-side edits through openDocument reach connected clients and the store', async () => {
    running = await startServer();
    const client = await connectSynced(running.url, 'server-edit');
    clients.push(client);
    const handle = await running.server.openDocument('server-edit');
    handle.doc.getText('text').insert(0, 'written by the server');
    await handle.whenDurable();
    await waitFor(() => client.doc.getText('text').toString() === 'written by the server', 'client sees it');
    await handle.release();
    const stored = await running.server.store.load('server-edit');
    const replica = new Y.Doc();
    for (const update of stored) Y.applyUpdate(replica, update);
    expect(replica.getText('text').toString()).toBe('written by the server');
  });
});
