import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { encodeSyncFrame } from '../../shared/protocol/sync.js';
import { type TestClient, connectSynced, destroyClients } from '../helpers/clients.js';
import { emitWithAck, rawDocumentSocket } from '../helpers/raw-socket.js';
import { type RunningServer, startServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait-for.js';

function validUpdate(text: string): Uint8Array {
  const doc = new Y.Doc();
  doc.getText('text').insert(0, text);
  return Y.encodeStateAsUpdate(doc);
}

describe('malformed and wrong-type payloads get an error, and nothing breaks', () => {
  let running: RunningServer;
  let clients: TestClient[] = [];
  afterEach(async () => {
    destroyClients(clients);
    clients = [];
    await running?.close();
  });

  it.each([
    ['a string', 'hello'],
    ['a number', 42],
    ['an object', { a: 1 }],
    ['an array', [1, 2, 3]],
    ['null', null],
  ])('an update that is %s gets BAD_PAYLOAD', async (_, payload) => {
    running = await startServer();
    const socket = await rawDocumentSocket(running.url, 'typed');
    expect(await emitWithAck(socket, 'update', payload)).toMatchObject({ ok: false, code: 'BAD_PAYLOAD' });
    expect(await emitWithAck(socket, 'sync-step-1', payload)).toMatchObject({ ok: false, code: 'BAD_PAYLOAD' });
    socket.close();
  });

  it.each([
    ['random bytes', new Uint8Array([7, 200, 13, 99, 1, 0, 255])],
    ['a truncated update frame', encodeSyncFrame('update', validUpdate('truncate me please')).slice(0, 12)],
    ['a frame claiming a huge length', new Uint8Array([2, 0xff, 0xff, 0xff, 0xff, 0x0f, 1, 2])],
    ['a frame with garbage inside', encodeSyncFrame('update', new Uint8Array([1, 5, 9, 9, 9, 9, 9]))],
    ['an unknown frame type', new Uint8Array([9, 1, 0])],
  ])('%s is answered MALFORMED_UPDATE and changes nothing', async (_, frame) => {
    running = await startServer();
    const honest = await connectSynced(running.url, 'target');
    clients.push(honest);
    honest.doc.getText('text').insert(0, 'intact');
    await waitFor(() => honest.provider.pendingCount === 0, 'saved');
    const socket = await rawDocumentSocket(running.url, 'target');
    const reply = await emitWithAck(socket, 'update', frame);
    expect(reply).toMatchObject({ ok: false, code: 'MALFORMED_UPDATE' });
    socket.close();
    const check = await connectSynced(running.url, 'target');
    clients.push(check);
    expect(check.doc.getText('text').toString()).toBe('intact');
  });

  it('messages without an ack callback and unknown events do not disturb the server', async () => {
    running = await startServer();
    const socket = await rawDocumentSocket(running.url, 'no-ack');
    const notices: unknown[] = [];
    socket.on('notice', (info) => notices.push(info));
    socket.emit('update', 'not binary');
    socket.emit('sync-step-1', new Uint8Array([0, 0]));
    socket.emit('awareness', 12);
    socket.emit('no-such-event', new Uint8Array(10));
    await waitFor(() => notices.length >= 2, 'notices for the bad messages');
    const client = await connectSynced(running.url, 'no-ack');
    clients.push(client);
    expect(client.provider.synced).toBe(true);
    socket.close();
  });

  it('a malformed awareness update gets a notice and leaves presence intact', async () => {
    running = await startServer();
    const alice = await connectSynced(running.url, 'aw');
    clients.push(alice);
    alice.provider.awareness.setLocalState({ name: 'Alice' });
    const socket = await rawDocumentSocket(running.url, 'aw');
    const notices: Array<{ code: string }> = [];
    socket.on('notice', (info) => notices.push(info));
    socket.emit('awareness', new Uint8Array([1, 5, 1, 3, 0x7b, 0x7b, 0x7b])); // state "{{{"
    await waitFor(() => notices.some((n) => n.code === 'MALFORMED_UPDATE'), 'notice');
    const doc = await running.server.registry.peek('aw');
    await waitFor(() => doc!.awareness.getStates().get(alice.doc.clientID)?.name === 'Alice', 'alice present');
    socket.close();
  });
});
