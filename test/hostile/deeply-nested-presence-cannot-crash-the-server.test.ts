/**
 * Presence states are JSON that the server parses, compares and encodes again for every receiver.
 * JSON.parse reads any depth, but comparing and encoding recurse: a state nested a few thousand
 * levels deep fits easily in the awareness size limit and overflows the stack in the broadcast,
 * outside any handler, which would take the whole process down.
 */
import * as encoding from 'lib0/encoding';
import { afterEach, describe, expect, it } from 'vitest';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { type ChildServer, startChildServer } from '../helpers/hostile/child-server.js';
import { collectNotices, connectRaw, emitWithAck, type RawSocket, syncRaw } from '../helpers/raw-socket.js';
import { makeTempDir, type TempDir } from '../helpers/temp-dir.js';
import { tokenFor } from '../helpers/tokens.js';
import { delay, waitFor } from '../helpers/wait-for.js';

/** One awareness entry whose state is `stateJson`, verbatim. */
function presenceJson(clientId: number, clock: number, stateJson: string): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 1);
  encoding.writeVarUint(encoder, clientId);
  encoding.writeVarUint(encoder, clock);
  encoding.writeVarString(encoder, stateJson);
  return encoding.toUint8Array(encoder);
}

describe('a presence state nested thousands of levels deep', () => {
  let server: ChildServer | null = null;
  let dir: TempDir | null = null;
  const sockets: RawSocket[] = [];
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.close();
    await server?.kill();
    await dir?.remove();
  });

  it('is refused, and the server keeps serving presence', async () => {
    dir = await makeTempDir('deep-presence');
    server = await startChildServer(dir.path, {});
    const attacker = await connectRaw(server.url, 'deep', { session: 'attacker-session-0123456789', token: tokenFor({ deep: 'write' }) });
    const observer = await connectRaw(server.url, 'deep', { session: 'observer-session-0123456789', token: tokenFor({ deep: 'write' }) });
    sockets.push(attacker, observer);
    await syncRaw(attacker);
    await syncRaw(observer);
    const notices = collectNotices(attacker);

    const depth = 10_000;
    attacker.emit('awareness', presenceJson(1234, 1, `${'['.repeat(depth)}${']'.repeat(depth)}`));
    attacker.emit('awareness', presenceJson(1234, 2, `{"a":${'{"a":'.repeat(3_000)}1${'}'.repeat(3_000)}}`));
    await waitFor(() => notices.length >= 2 || server!.exited(), 'the refusals');
    await delay(200);
    expect(server.exited(), server.stderr()).toBe(false);
    expect(notices.map((notice) => notice.code)).toEqual(['MALFORMED_UPDATE', 'MALFORMED_UPDATE']);

    // Presence still works for everyone.
    const seen = new awarenessProtocol.Awareness(new Y.Doc());
    observer.on('awareness', (update: Uint8Array) => awarenessProtocol.applyAwarenessUpdate(seen, new Uint8Array(update), 'server'));
    expect(await emitWithAck(attacker, 'awareness', presenceJson(1234, 3, '{"user":"fine"}'))).toEqual({ ok: true });
    await waitFor(() => seen.getStates().get(1234)?.user === 'fine', 'an ordinary presence');
    seen.destroy();
  });
});
