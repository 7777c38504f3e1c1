/**
 * A frame refused as CLIENT_ID_TAKEN is sent again at once (a step 2 through a new handshake),
 * leaving the refused ids out. When the refusal names ids the client cannot leave out (none of them
 * is in what it sent, or nothing of theirs is left to move), the next frame is the same and is
 * refused the same way: without a pause, client and server trade messages as fast as they can
 * (12,841 handshakes and step 2s, or 73,109 updates, in one second before the pause).
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { SyncTransport } from '../../client/session-types.js';
import { SyncSession } from '../../client/sync-session.js';
import type { Ack } from '../../shared/ack.js';
import { ErrorCodes } from '../../shared/errors.js';
import { decodeSyncFrame, encodeSyncFrame, type SyncFrameTypeName } from '../../shared/protocol/sync.js';

/** Messages a client sends in one second to a server that refuses every `refused` frame so. */
async function messagesInOneSecond(refused: SyncFrameTypeName): Promise<number> {
  const doc = new Y.Doc();
  let messages = 0;
  const answerSoon = <T>(answer: (reply: T) => void, reply: T) => setImmediate(() => answer(reply));
  const transport: SyncTransport = {
    syncStep1: (_frame, answer) => {
      messages++;
      answerSoon(answer, {
        ok: true,
        step2: encodeSyncFrame('step2', Y.encodeStateAsUpdate(new Y.Doc())),
        step1: encodeSyncFrame('step1', new Uint8Array([0])),
        access: 'write',
        limits: { partBytes: 1_000_000, maxAssembledUpdateBytes: 10_000_000 },
      });
    },
    update: (frame, answer) => {
      messages++;
      // A client id nothing in the frame was written under.
      const taken: Ack = { ok: false, code: ErrorCodes.CLIENT_ID_TAKEN, message: 'taken', clientIds: [doc.clientID + 1] };
      answerSoon(answer, decodeSyncFrame(frame).type === refused ? taken : { ok: true });
    },
    updatePart: (_header, _part, answer) => answer({ ok: false, code: ErrorCodes.INTERNAL, message: 'no parts' }),
  };
  const ignore = () => {};
  const listener = {
    synced: ignore,
    pending: ignore,
    saved: ignore,
    notice: ignore,
    updateRefused: ignore,
    acknowledged: ignore,
    queued: ignore,
  };
  const session = new SyncSession(doc, 'server', listener, { retryDelayMin: 100, retryDelayMax: 200 });
  doc.on('update', (update: Uint8Array, origin: unknown) => {
    if (origin !== 'server') session.localUpdate(update);
  });
  if (refused === 'step2') doc.getText('text').insert(0, 'offline edit');
  session.connectionOpened(transport);
  await new Promise((resolve) => setTimeout(resolve, 50));
  if (refused === 'update') doc.getText('text').insert(0, 'online edit');
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  session.destroy();
  return messages;
}

describe('a frame refused for client ids the client cannot leave out', () => {
  // One at once, then one per pause of 100-200 ms: about ten in a second.
  it('a step 2: the handshake is asked again after a pause, not in a storm', async () => {
    expect(await messagesInOneSecond('step2')).toBeLessThan(30);
  });

  it('an update: sent again after a pause, not in a storm', async () => {
    expect(await messagesInOneSecond('update')).toBeLessThan(30);
  });
});
