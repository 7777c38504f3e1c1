import { afterEach, describe, expect, it } from 'vitest';
import { type RawSocket, connectRaw, emitWithAck, syncRaw, textUpdateFrame } from '../helpers/raw-socket.js';
import { type RunningServer, startServer } from '../helpers/server.js';

const KiB = 1024;
const limits = { maxMessageBytes: 64 * KiB, maxUpdateBytes: 16 * KiB, maxAssembledUpdateBytes: 64 * KiB };

describe('update parts from a client are validated, bounded per connection, and never half-applied', () => {
  let running: RunningServer;
  let sockets: RawSocket[] = [];

  afterEach(async () => {
    for (const socket of sockets) socket.close();
    sockets = [];
    await running?.close();
  });

  async function writer(docName = 'parts'): Promise<RawSocket> {
    const socket = await connectRaw(running.url, docName);
    sockets.push(socket);
    await syncRaw(socket);
    return socket;
  }

  const part = (socket: RawSocket, header: object, bytes: Uint8Array) => emitWithAck(socket, 'update-part', header, bytes);

  it('assembles a frame sent in order and applies it only at the final part', async () => {
    running = await startServer(limits);
    const socket = await writer();
    const frame = textUpdateFrame('y'.repeat(40 * KiB));
    const size = 16 * KiB;
    const count = Math.ceil(frame.byteLength / size);
    for (let index = 0; index < count; index++) {
      const final = index === count - 1;
      const reply = await part(socket, { id: 7, index, total: frame.byteLength, final }, frame.subarray(index * size, (index + 1) * size));
      expect(reply).toEqual({ ok: true });
      const doc = await running.server.registry.peek('parts');
      expect(doc!.ydoc.getText('text').length).toBe(final ? 40 * KiB : 0);
    }
  });

  it('refuses headers of the wrong shape, parts out of order and sizes that do not add up, keeping nothing', async () => {
    running = await startServer(limits);
    const socket = await writer();
    const bytes = new Uint8Array(100);
    for (const header of [
      null,
      'x',
      { id: -1, index: 0, total: 10, final: false },
      { id: 1, index: 0, total: 0, final: true },
      { id: 1, index: 0.5, total: 10, final: false },
      { id: 1, index: 0, total: 10 },
    ]) {
      expect(await part(socket, header as object, bytes)).toMatchObject({ ok: false, code: 'BAD_PAYLOAD' });
    }
    expect(await part(socket, { id: 1, index: 1, total: 200, final: false }, bytes)).toMatchObject({ code: 'BAD_PAYLOAD' });
    expect(await part(socket, { id: 1, index: 0, total: 200, final: false }, bytes)).toEqual({ ok: true });
    // Another id in the middle of a frame abandons it.
    expect(await part(socket, { id: 2, index: 1, total: 200, final: true }, bytes)).toMatchObject({ code: 'BAD_PAYLOAD' });
    expect(await part(socket, { id: 1, index: 1, total: 200, final: true }, bytes)).toMatchObject({ code: 'BAD_PAYLOAD' });
    // More than announced, or a final part short of it.
    expect(await part(socket, { id: 3, index: 0, total: 150, final: false }, bytes)).toEqual({ ok: true });
    expect(await part(socket, { id: 3, index: 1, total: 150, final: false }, bytes)).toMatchObject({ code: 'BAD_PAYLOAD' });
    expect(await part(socket, { id: 4, index: 0, total: 300, final: false }, bytes)).toEqual({ ok: true });
    expect(await part(socket, { id: 4, index: 1, total: 300, final: true }, bytes)).toMatchObject({ code: 'BAD_PAYLOAD' });
    // Parts that assemble into garbage, or into a step 1, are refused like such an update.
    expect(await part(socket, { id: 5, index: 0, total: 100, final: true }, bytes)).toMatchObject({ code: 'MALFORMED_UPDATE' });
    const doc = await running.server.registry.peek('parts');
    expect(doc!.ydoc.getText('text').length).toBe(0);
  });

  it('refuses a frame announced over the cap, and parts over the message limit, with UPDATE_TOO_LARGE', async () => {
    running = await startServer(limits);
    const socket = await writer();
    expect(await part(socket, { id: 1, index: 0, total: 64 * KiB + 1, final: false }, new Uint8Array(10))).toMatchObject({
      code: 'UPDATE_TOO_LARGE',
    });
    expect(await part(socket, { id: 1, index: 0, total: 32 * KiB, final: false }, new Uint8Array(17 * KiB))).toMatchObject({
      code: 'UPDATE_TOO_LARGE',
    });
  });

  it('one connection may hold only one cap of half-assembled frames across all its documents', async () => {
    running = await startServer(limits);
    const first = await writer('parts-a');
    const socket = await connectRaw(running.url, 'parts-b', {});
    sockets.push(socket);
    // A second document on the same connection: reuse the first socket's manager.
    const second = first.io.socket('/doc/parts-b', { auth: { protocol: 1 } });
    sockets.push(second as unknown as RawSocket);
    await new Promise<void>((resolve) => second.once('connect', () => resolve()));
    await syncRaw(second as unknown as RawSocket);
    expect(await part(first, { id: 1, index: 0, total: 60 * KiB, final: false }, new Uint8Array(10))).toEqual({ ok: true });
    expect(
      await part(second as unknown as RawSocket, { id: 1, index: 0, total: 10 * KiB, final: false }, new Uint8Array(10)),
    ).toMatchObject({ code: 'RATE_LIMITED' });
    // A separate connection has an allowance of its own.
    expect(await part(socket, { id: 1, index: 0, total: 60 * KiB, final: false }, new Uint8Array(10))).toEqual({ ok: true });
    // Abandoning the frame (a new one from index 0) gives the room back.
    expect(await part(first, { id: 2, index: 0, total: 1 * KiB, final: false }, new Uint8Array(10))).toEqual({ ok: true });
    expect(await part(second as unknown as RawSocket, { id: 1, index: 0, total: 10 * KiB, final: false }, new Uint8Array(10))).toEqual({
      ok: true,
    });
  });

  it('a read-only connection cannot send parts', async () => {
    running = await startServer({ ...limits, authorize: () => 'read' });
    const socket = await writer();
    expect(await part(socket, { id: 1, index: 0, total: 100, final: true }, new Uint8Array(100))).toMatchObject({ code: 'READ_ONLY' });
  });
});
