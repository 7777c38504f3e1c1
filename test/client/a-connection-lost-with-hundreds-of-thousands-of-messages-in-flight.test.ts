import { expect, it } from 'vitest';
import * as Y from 'yjs';
import { ackOk } from '../../shared/ack.js';
import { encodeSyncFrame } from '../../shared/protocol/sync.js';
import type { SyncTransport } from '../../client/session-types.js';
import { SyncSession } from '../../client/sync-session.js';

/**
 * A fast writer on a slow server (or a long trace replayed through a provider) can have one
 * message in flight per event-loop turn, hundreds of thousands of them, when the connection
 * drops. Spreading that many values into one call overflows the stack: the disconnect handler
 * threw, and the provider never reset what was in flight.
 */
it('keeps every edit pending and sends them again after a connection lost with 150,000 messages in flight', async () => {
  const doc = new Y.Doc();
  const session = new SyncSession(doc, 'remote', {
    synced: () => {},
    pending: () => {},
    saved: () => {},
    notice: () => {},
    updateRefused: () => {},
    acknowledged: () => {},
    queued: () => {},
  });
  let sent = 0;
  const silent: SyncTransport = {
    syncStep1: (_frame, answer) =>
      answer(
        ackOk({
          step2: encodeSyncFrame('step2', Y.encodeStateAsUpdate(new Y.Doc())),
          step1: encodeSyncFrame('step1', new Uint8Array([0])),
          access: 'write',
        }),
      ),
    update: () => void sent++, // the server never answers
    updatePart: () => {},
  };
  session.connectionOpened(silent);
  // One small edit per turn, each its own message (the same bytes: the session does not care).
  const author = new Y.Doc();
  author.getText('t').insert(0, 'x');
  const edit = Y.encodeStateAsUpdate(author);
  const messages = 150_000;
  for (let i = 0; i < messages; i++) {
    session.localUpdate(edit);
    await Promise.resolve();
  }
  expect(sent).toBeGreaterThanOrEqual(messages);

  expect(() => session.connectionLost()).not.toThrow();
  expect(session.pending.count).toBe(messages);
  // The next connection's handshake carries them all in its step 2, and its ack saves them.
  let resentBytes = 0;
  session.connectionOpened({
    ...silent,
    update: (frame, answer) => {
      resentBytes += frame.byteLength;
      answer(ackOk());
    },
  });
  await Promise.resolve();
  expect(resentBytes).toBeGreaterThan(0);
  expect(session.pending.count).toBe(0);
}, 60_000);
