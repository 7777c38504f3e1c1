/**
 * An update that completes held-back content is sent back to its sender (it lacks that part). A
 * hostile writer can plant content that stays held back for good (it builds on a clock nobody ever
 * sends): then no later update completes anything, and none may be echoed to its sender, or one
 * planted update doubles every writer's traffic for as long as the document is loaded.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { encodeSyncFrame } from '../../shared/protocol/sync.js';
import { emitWithAck, rawDocumentSocket } from '../helpers/raw-socket.js';
import { type RunningServer, startServer } from '../helpers/server.js';

describe('content held back for good', () => {
  let running: RunningServer | undefined;
  afterEach(async () => {
    await running?.close();
  });

  /** Plants `heldBack` (refused as MISSING_DEPENDENCIES and kept), then counts what a writer's 20 updates echo back to it. */
  async function echoesAfter(heldBack: Uint8Array): Promise<number> {
    running = await startServer();
    const attacker = await rawDocumentSocket(running.url, 'echo');
    const writer = await rawDocumentSocket(running.url, 'echo');
    for (const socket of [attacker, writer]) await emitWithAck(socket, 'sync-step-1', encodeSyncFrame('step1', new Uint8Array([0])));
    expect(await emitWithAck(attacker, 'update', encodeSyncFrame('update', heldBack))).toMatchObject({
      ok: false,
      code: 'MISSING_DEPENDENCIES',
    });

    const echoed: Uint8Array[] = [];
    writer.on('update', (frame: Uint8Array) => echoed.push(frame));
    const typing = new Y.Doc();
    const typed: Uint8Array[] = [];
    typing.on('update', (update: Uint8Array) => typed.push(update));
    for (let i = 0; i < 20; i++) typing.getText('text').insert(i, 'x');
    for (const update of typed) expect(await emitWithAck(writer, 'update', encodeSyncFrame('update', update))).toMatchObject({ ok: true });
    // One more round trip, so that anything echoed has arrived.
    await emitWithAck(writer, 'sync-step-1', encodeSyncFrame('step1', Y.encodeStateVector(typing)));
    attacker.close();
    writer.close();
    return echoed.length;
  }

  it('(structs) does not make the server echo every later update to its sender', async () => {
    const planted = new Y.Doc();
    const plantedUpdates: Uint8Array[] = [];
    planted.on('update', (update: Uint8Array) => plantedUpdates.push(update));
    planted.getText('text').insert(0, 'never sent');
    planted.getText('text').insert(0, 'held back');
    expect(await echoesAfter(plantedUpdates[1]!)).toBe(0);
  });

  it('(a deletion) does not make the server echo every later update to its sender', async () => {
    const planted = new Y.Doc();
    planted.getText('text').insert(0, 'never sent');
    planted.getText('text').delete(0, 5);
    // The deletion alone: what it deletes never reaches the server.
    expect(await echoesAfter(Y.encodeStateAsUpdate(planted, Y.encodeStateVector(planted)))).toBe(0);
  });
});
