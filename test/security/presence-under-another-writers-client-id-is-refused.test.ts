/**
 * Presence is keyed by Yjs client ids, like content. An id whose content belongs to one session
 * (client-id-owners.ts) must not show another session's cursor: that would put words in the
 * writer's mouth, and its own presence would then be refused when it comes back.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { encodeSyncFrame } from '../../shared/protocol/sync.js';
import { collectNotices, connectRaw, emitWithAck, type RawSocket, syncRaw } from '../helpers/raw-socket.js';
import { type RunningServer, startServer } from '../helpers/server.js';
import { delay, waitFor } from '../helpers/wait-for.js';

function presenceOf(clientId: number, state: Record<string, unknown> | null, clock = 1): Uint8Array {
  const doc = new Y.Doc();
  doc.clientID = clientId;
  const awareness = new awarenessProtocol.Awareness(doc);
  awareness.setLocalState(state);
  awareness.meta.set(clientId, { clock, lastUpdated: 0 });
  const update = awarenessProtocol.encodeAwarenessUpdate(awareness, [clientId]);
  awareness.destroy();
  doc.destroy();
  return update;
}

describe('presence under a client id whose content another session owns', () => {
  let running: RunningServer;
  const sockets: RawSocket[] = [];
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.close();
    await running?.close();
  });

  it('is refused AWARENESS_NOT_OWNED, and the owner can still present it', async () => {
    running = await startServer();
    const writerDoc = new Y.Doc();
    const writerAuth = { protocol: 1, session: 'writer-session-0123456789', clientIds: [writerDoc.clientID] };
    const writer = await connectRaw(running.url, 'impersonation', { auth: writerAuth });
    const attacker = await connectRaw(running.url, 'impersonation', { session: 'attacker-session-0123456789' });
    const observer = await connectRaw(running.url, 'impersonation', { session: 'observer-session-0123456789' });
    sockets.push(writer, attacker, observer);
    for (const socket of [writer, attacker, observer]) await syncRaw(socket);
    const seen = new awarenessProtocol.Awareness(new Y.Doc());
    observer.on('awareness', (update: Uint8Array) => awarenessProtocol.applyAwarenessUpdate(seen, new Uint8Array(update), 'server'));

    // The writer edits (its id is now bound to its session) but has not shown presence yet.
    writerDoc.getText('text').insert(0, 'mine');
    expect(await emitWithAck(writer, 'update', encodeSyncFrame('update', Y.encodeStateAsUpdate(writerDoc)))).toEqual({ ok: true });

    const notices = collectNotices(attacker);
    attacker.emit('awareness', presenceOf(writerDoc.clientID, { user: 'forged' }, 5));
    await waitFor(() => notices.length > 0, 'the refusal');
    expect(notices[0]?.code).toBe('AWARENESS_NOT_OWNED');
    await delay(100);
    expect(seen.getStates().get(writerDoc.clientID)).toBeUndefined();

    writer.emit('awareness', presenceOf(writerDoc.clientID, { user: 'writer' }, 1));
    await waitFor(() => seen.getStates().get(writerDoc.clientID)?.user === 'writer', 'the writer’s own presence');
    seen.destroy();
  });
});
