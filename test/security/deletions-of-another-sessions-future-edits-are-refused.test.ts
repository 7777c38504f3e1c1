/**
 * A delete set may name ranges the server does not hold yet; Yjs keeps them and applies them as soon
 * as that content arrives. Under another session's client id, that would delete the owner's future
 * edits the moment they are stored (and acknowledged): writing under an id someone else owns.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { encodeSyncFrame } from '../../shared/protocol/sync.js';
import { connectRaw, emitWithAck, syncRaw, type RawSocket } from '../helpers/raw-socket.js';
import { type RunningServer, startServer } from '../helpers/server.js';

/** An update without structs that deletes `len` items of `client` from `clock` on. */
function deletionFrame(client: number, clock: number, len: number): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 0); // no structs
  encoding.writeVarUint(encoder, 1); // one client in the delete set
  encoding.writeVarUint(encoder, client);
  encoding.writeVarUint(encoder, 1); // one range
  encoding.writeVarUint(encoder, clock);
  encoding.writeVarUint(encoder, len);
  return encodeSyncFrame('update', encoding.toUint8Array(encoder));
}

const victimSession = 'victim-session-0123456789';
const attackerSession = 'attacker-session-0123456789';

describe('deletions of content the server lacks, under another session’s client id', () => {
  let running: RunningServer;
  const sockets: RawSocket[] = [];
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.close();
    await running?.close();
  });

  it('are refused, and the owner’s later edits stay visible', async () => {
    running = await startServer();
    const victimDoc = new Y.Doc();
    const victim = await connectRaw(running.url, 'future-deletes', {
      auth: { protocol: 1, session: victimSession, clientIds: [victimDoc.clientID] },
    });
    const attacker = await connectRaw(running.url, 'future-deletes', { session: attackerSession });
    sockets.push(victim, attacker);
    await syncRaw(victim);
    await syncRaw(attacker);

    victimDoc.getText('text').insert(0, 'hello');
    const first = encodeSyncFrame('update', Y.encodeStateAsUpdate(victimDoc));
    expect(await emitWithAck(victim, 'update', first)).toEqual({ ok: true });

    // The victim's id is public (state vectors, presence). Its clock is now 5: delete 5..1005.
    const answer = await emitWithAck(attacker, 'update', deletionFrame(victimDoc.clientID, 5, 1000));
    expect(answer.ok).toBe(false);

    const before = Y.encodeStateVector(victimDoc);
    victimDoc.getText('text').insert(5, ' world');
    const second = encodeSyncFrame('update', Y.encodeStateAsUpdate(victimDoc, before));
    expect(await emitWithAck(victim, 'update', second)).toEqual({ ok: true });

    const { doc: reader } = await syncRaw(attacker);
    expect(reader.getText('text').toString()).toBe('hello world');
    // And in what a reload would read: nothing of the deletion was stored.
    const reloaded = new Y.Doc();
    for (const update of await running.server.store.load('future-deletes')) Y.applyUpdate(reloaded, update);
    expect(reloaded.getText('text').toString()).toBe('hello world');
  });
});
