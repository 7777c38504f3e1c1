import * as encoding from 'lib0/encoding';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { encodeSyncFrame } from '../../shared/protocol/sync.js';
import { type TestClient, connectSynced, destroyClients } from '../helpers/clients.js';
import { connectRaw, emitWithAck, type RawSocket } from '../helpers/raw-socket.js';
import { type RunningServer, startServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait-for.js';

/** A step 1 frame whose state vector claims `entries` writers. */
function stateVectorFrame(entries: number, firstClient = 1): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, entries);
  for (let i = 0; i < entries; i++) {
    encoding.writeVarUint(encoder, firstClient + i);
    encoding.writeVarUint(encoder, 1);
  }
  return encodeSyncFrame('step1', encoding.toUint8Array(encoder));
}

describe('sync requests with more state-vector entries than the document could need are refused', () => {
  let running: RunningServer;
  let clients: TestClient[] = [];
  let raw: RawSocket[] = [];
  afterEach(async () => {
    destroyClients(clients);
    for (const socket of raw) socket.close();
    clients = [];
    raw = [];
    await running?.close();
  });

  it('refuses 200,000 entries with STATE_VECTOR_TOO_LARGE and keeps serving everyone', async () => {
    running = await startServer();
    const honest = await connectSynced(running.url, 'sv');
    clients.push(honest);
    honest.doc.getText('text').insert(0, 'still here');
    await waitFor(() => honest.provider.pendingCount === 0, 'saved');

    const attacker = await connectRaw(running.url, 'sv');
    raw.push(attacker);
    expect(await emitWithAck(attacker, 'sync-step-1', stateVectorFrame(200_000))).toMatchObject({
      ok: false,
      code: 'STATE_VECTOR_TOO_LARGE',
    });

    const late = await connectSynced(running.url, 'sv');
    clients.push(late);
    expect(late.doc.getText('text').toString()).toBe('still here');
  });

  it("accepts the writers the document knows plus a client's own offline ones", async () => {
    running = await startServer();
    const client = await connectRaw(running.url, 'sv-honest');
    raw.push(client);
    // The document knows no writers yet; a client that merged 500 offline peers is still fine.
    expect(await emitWithAck(client, 'sync-step-1', stateVectorFrame(500))).toMatchObject({ ok: true });
    const empty = encodeSyncFrame('step1', Y.encodeStateVector(new Y.Doc()));
    expect(await emitWithAck(client, 'sync-step-1', empty)).toMatchObject({ ok: true });
  });
});
