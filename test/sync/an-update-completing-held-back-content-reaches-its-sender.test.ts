/**
 * An update held back for what it builds on integrates in the transaction of the update that
 * supplies it. That transaction is the supplier's, and the supplier is never echoed its own update;
 * but it must still get the held-back part, which it never had, or it ends short for good.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { decodeSyncFrame, encodeSyncFrame } from '../../shared/protocol/sync.js';
import { emitWithAck, rawDocumentSocket } from '../helpers/raw-socket.js';
import { type RunningServer, startServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait-for.js';

describe('an update that completes held-back content', () => {
  let running: RunningServer | undefined;
  afterEach(async () => {
    await running?.close();
  });

  it('reaches its sender with the held-back part', async () => {
    running = await startServer();
    const author = new Y.Doc();
    const updates: Uint8Array[] = [];
    author.on('update', (update: Uint8Array) => updates.push(update));
    author.getText('text').insert(0, 'base');
    author.getText('text').insert(4, ' and more');
    const [base, more] = updates as [Uint8Array, Uint8Array];

    const early = await rawDocumentSocket(running.url, 'held');
    const supplier = await rawDocumentSocket(running.url, 'held');
    const supplierGot: Uint8Array[] = [];
    supplier.on('update', (frame: Uint8Array) => supplierGot.push(frame));
    for (const socket of [early, supplier]) await emitWithAck(socket, 'sync-step-1', encodeSyncFrame('step1', new Uint8Array([0])));

    expect(await emitWithAck(early, 'update', encodeSyncFrame('update', more))).toMatchObject({ ok: false, code: 'MISSING_DEPENDENCIES' });
    expect(await emitWithAck(supplier, 'update', encodeSyncFrame('update', base))).toMatchObject({ ok: true });

    const replica = new Y.Doc();
    Y.applyUpdate(replica, base);
    await waitFor(() => {
      for (const frame of supplierGot.splice(0)) Y.applyUpdate(replica, decodeSyncFrame(frame).payload);
      return replica.getText('text').toString() === 'base and more';
    }, 'the supplier holds what the server holds');
    early.close();
    supplier.close();
  });
});
