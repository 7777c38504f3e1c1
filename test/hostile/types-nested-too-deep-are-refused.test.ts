/**
 * Yjs deletes nested types recursively: deleting the outer key of a few thousand nested maps
 * overflows the stack inside its transaction cleanup and leaves the server's Y.Doc unable to store
 * or relay anything again, while it still acknowledges every edit. Nesting is therefore refused
 * beyond MAX_NESTING_DEPTH, whether it arrives in one update or grows over several.
 */
import * as encoding from 'lib0/encoding';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { MAX_NESTING_DEPTH } from '../../server/core/nesting-depth.js';
import { encodeSyncFrame } from '../../shared/protocol/sync.js';
import { connectSynced, destroyClients, type TestClient } from '../helpers/clients.js';
import { connectRaw, emitWithAck, type RawSocket, syncRaw } from '../helpers/raw-socket.js';
import { type RunningServer, startServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait-for.js';

let server: RunningServer | undefined;
const clients: TestClient[] = [];
const sockets: RawSocket[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.close();
  destroyClients(clients.splice(0));
  await server?.close();
  server = undefined;
});

/** Nests `levels` maps under `map` (each under the key 'k'); returns the innermost. */
function nest(map: Y.Map<unknown>, levels: number): Y.Map<unknown> {
  let inner = map;
  for (let i = 0; i < levels; i++) {
    const child = new Y.Map<unknown>();
    inner.set('k', child);
    inner = child;
  }
  return inner;
}

/** An update with no structs that deletes one item. */
function deletion(client: number, clock: number): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 0);
  encoding.writeVarUint(encoder, 1);
  encoding.writeVarUint(encoder, client);
  encoding.writeVarUint(encoder, 1);
  encoding.writeVarUint(encoder, clock);
  encoding.writeVarUint(encoder, 1);
  return encoding.toUint8Array(encoder);
}

async function attacker(url: string, docName: string): Promise<RawSocket> {
  const socket = await connectRaw(url, docName, { session: 'nesting-attacker-session' });
  sockets.push(socket);
  await syncRaw(socket);
  return socket;
}

describe('types nested too deep', () => {
  it('are refused in one update, and deleting what was accepted leaves the document saving', async () => {
    server = await startServer();
    const socket = await attacker(server.url, 'deep');
    const doc = new Y.Doc();
    doc.transact(() => nest(doc.getMap('deep'), 3_000));
    const deep = await emitWithAck(socket, 'update', encodeSyncFrame('update', Y.encodeStateAsUpdate(doc)));
    expect(deep).toMatchObject({ ok: false, code: 'MALFORMED_UPDATE' });

    const allowed = new Y.Doc();
    allowed.transact(() => nest(allowed.getMap('deep'), MAX_NESTING_DEPTH));
    expect(await emitWithAck(socket, 'update', encodeSyncFrame('update', Y.encodeStateAsUpdate(allowed)))).toEqual({ ok: true });
    expect(await emitWithAck(socket, 'update', encodeSyncFrame('update', deletion(allowed.clientID, 0)))).toEqual({ ok: true });

    const writer = await connectSynced(server.url, 'deep');
    clients.push(writer);
    writer.doc.getText('text').insert(0, 'still saved');
    await waitFor(() => writer.provider.pendingCount === 0, 'the writer’s edit saved');
    const reader = await connectSynced(server.url, 'deep');
    clients.push(reader);
    expect(reader.doc.getText('text').toString()).toBe('still saved');
    expect(reader.doc.getMap('deep').has('k')).toBe(false);
  });

  it('are refused when they grow over several updates', async () => {
    server = await startServer();
    const socket = await attacker(server.url, 'growing');
    const doc = new Y.Doc();
    let innermost = doc.getMap('deep');
    let sent: Uint8Array = new Uint8Array([0]);
    const send = async () => {
      const answer = await emitWithAck(socket, 'update', encodeSyncFrame('update', Y.encodeStateAsUpdate(doc, sent)));
      sent = Y.encodeStateVector(doc);
      return answer;
    };
    doc.transact(() => (innermost = nest(innermost, MAX_NESTING_DEPTH - 1)));
    expect(await send()).toEqual({ ok: true });
    doc.transact(() => (innermost = nest(innermost, 1)));
    expect(await send()).toEqual({ ok: true });
    doc.transact(() => nest(innermost, 1));
    expect(await send()).toMatchObject({ ok: false, code: 'MALFORMED_UPDATE' });
  });
});
