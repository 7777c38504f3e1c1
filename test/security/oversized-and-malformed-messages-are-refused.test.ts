import { afterEach, describe, expect, it } from 'vitest';
import { type TestClient, connectSynced, destroyClients } from '../helpers/clients.js';
import { converged } from '../helpers/convergence.js';
import { type RawSocket, collectNotices, connectRaw, emitWithAck, textUpdateFrame } from '../helpers/raw-socket.js';
import { type RunningServer, startServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait-for.js';

const sizes = { maxMessageBytes: 64 * 1024, maxUpdateBytes: 16 * 1024, maxAwarenessBytes: 1024 };

describe('messages that are too large or malformed are refused with a code; the server and others carry on', () => {
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

  async function setup(): Promise<{ honest: TestClient[]; hostile: RawSocket }> {
    running = await startServer(sizes);
    const honest = await Promise.all([connectSynced(running.url, 'doc'), connectSynced(running.url, 'doc')]);
    clients.push(...honest);
    const hostile = await connectRaw(running.url, 'doc');
    raw.push(hostile);
    return { honest, hostile };
  }

  async function honestStillConverge(honest: TestClient[], word: string): Promise<void> {
    honest[0]!.doc.getText('text').insert(0, word);
    await waitFor(
      () => converged(honest.map((c) => c.doc)) && honest[1]!.doc.getText('text').toString().includes(word),
      'honest convergence',
    );
  }

  it('refuses an update over maxUpdateBytes with UPDATE_TOO_LARGE and awareness over maxAwarenessBytes with AWARENESS_TOO_LARGE', async () => {
    const { honest, hostile } = await setup();
    expect(await emitWithAck(hostile, 'update', textUpdateFrame('x'.repeat(20 * 1024)))).toMatchObject({
      ok: false,
      code: 'UPDATE_TOO_LARGE',
    });
    expect(await emitWithAck(hostile, 'awareness', new Uint8Array(2048))).toMatchObject({ ok: false, code: 'AWARENESS_TOO_LARGE' });
    await honestStillConverge(honest, 'still fine;');
    expect(honest[0]!.doc.getText('text').toString()).toBe('still fine;');
  });

  it('closes only the connection that sends a message over maxMessageBytes', async () => {
    const { honest, hostile } = await setup();
    let reason = '';
    hostile.on('disconnect', (why) => (reason = why));
    hostile.emit('update', new Uint8Array(100 * 1024), () => {});
    await waitFor(() => reason !== '', 'oversized sender disconnected');
    expect(reason).toBe('transport close');
    await honestStillConverge(honest, 'after the big one;');
  });

  it('answers wrong payload types, unknown events and missing acks with BAD_PAYLOAD or MALFORMED_UPDATE', async () => {
    const { honest, hostile } = await setup();
    for (const payload of ['text', 42, { a: 1 }, [1, 2], null, true]) {
      expect(await emitWithAck(hostile, 'update', payload)).toMatchObject({ ok: false, code: 'BAD_PAYLOAD' });
      expect(await emitWithAck(hostile, 'awareness', payload)).toMatchObject({ ok: false, code: 'BAD_PAYLOAD' });
      expect(await emitWithAck(hostile, 'sync-step-1', payload)).toMatchObject({ ok: false, code: 'BAD_PAYLOAD' });
    }
    expect(await emitWithAck(hostile, 'update', new Uint8Array([2, 200, 1]))).toMatchObject({ ok: false, code: 'MALFORMED_UPDATE' });
    expect(await emitWithAck(hostile, 'no-such-event', 1)).toMatchObject({ ok: false, code: 'BAD_PAYLOAD' });
    const notices = collectNotices(hostile);
    hostile.emit('sync-step-1', new Uint8Array([0, 0]));
    hostile.emit('update', 'no ack either');
    hostile.emit('error', 'an event named like a reserved one');
    await waitFor(() => notices.length === 3, 'three notices');
    expect(notices.map((n) => n.code)).toEqual(['BAD_PAYLOAD', 'BAD_PAYLOAD', 'BAD_PAYLOAD']);
    await honestStillConverge(honest, 'unbothered;');
  });
});
