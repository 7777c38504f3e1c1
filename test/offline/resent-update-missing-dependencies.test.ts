import { afterEach, expect, it } from 'vitest';
import { type Socket, io } from 'socket.io-client';
import * as Y from 'yjs';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/events.js';
import { encodeSyncFrame } from '../../shared/protocol/sync.js';
import { PROTOCOL_VERSION } from '../../shared/protocol/version.js';
import { MemoryStore } from '../../server/persistence/memory-store.js';
import { type RunningServer, startServer } from '../helpers/server.js';

let running: RunningServer | undefined;
let socket: Socket<ServerToClientEvents, ClientToServerEvents> | undefined;

afterEach(async () => {
  socket?.close();
  await running?.close();
});

it('an update whose dependencies the server lacks is stored once however often it is resent, and never acknowledged', async () => {
  const store = new MemoryStore();
  running = await startServer({ store });
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => updates.push(update));
  doc.getText('text').insert(0, 'abc');
  doc.getText('text').insert(3, 'def'); // depends on the first insert, which the server never gets

  socket = io(`${running.url}/doc/held-back`, { auth: { protocol: PROTOCOL_VERSION }, transports: ['websocket'] });
  await socket.emitWithAck('sync-step-1', encodeSyncFrame('step1', Y.encodeStateVector(new Y.Doc())));
  const sizes: number[] = [];
  for (let i = 0; i < 5; i++) {
    const reply = await socket.emitWithAck('update', encodeSyncFrame('update', updates[1]!));
    expect(reply).toMatchObject({ ok: false, code: 'MISSING_DEPENDENCIES' });
    sizes.push((await store.list()).find((info) => info.name === 'held-back')?.bytes ?? 0);
  }
  expect(sizes[0]).toBeGreaterThan(0);
  expect(new Set(sizes).size).toBe(1);
  // Once what it builds on arrives, both are acknowledged and readable.
  expect(await socket.emitWithAck('update', encodeSyncFrame('update', updates[0]!))).toEqual({ ok: true });
  expect(await socket.emitWithAck('update', encodeSyncFrame('update', updates[1]!))).toEqual({ ok: true });
});
