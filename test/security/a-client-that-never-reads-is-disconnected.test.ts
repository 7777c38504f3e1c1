import { afterEach, describe, expect, it } from 'vitest';
import type { ErrorEvent } from '../../server/core/observer.js';
import { type TestClient, connectSynced, destroyClients } from '../helpers/clients.js';
import { connectRaw, type RawSocket, syncRaw } from '../helpers/raw-socket.js';
import { type RunningServer, startServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait-for.js';

/** Stops reading from the socket's TCP connection: the kernel buffers fill, then the server's queue. */
function stopReading(socket: RawSocket): void {
  const transport = socket.io.engine.transport as unknown as { ws: { _socket: { pause(): void } } };
  transport.ws._socket.pause();
}

describe('a client that never reads is disconnected once its queue on the server is full', () => {
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

  it('closes the stalled reader with SLOW_CONSUMER while the writer carries on', async () => {
    const errors: ErrorEvent[] = [];
    running = await startServer({
      maxOutgoingBytes: 256 * 1024,
      rateLimits: { updates: { perSecond: 10_000, burst: 10_000 }, updateBytes: { perSecond: 1e9, burst: 1e9 } },
      observer: { error: (event) => errors.push(event) },
    });
    const writer = await connectSynced(running.url, 'busy');
    clients.push(writer);
    const stalled = await connectRaw(running.url, 'busy');
    raw.push(stalled);
    await syncRaw(stalled);
    stopReading(stalled);
    const namespace = () => running.server.io._nsps.get('/doc/busy');
    let round = 0;
    // Kernel buffers take some megabytes first; keep the document busy until the server gives up.
    await waitFor(
      async () => {
        writer.doc.getText('text').insert(0, `${round++}:${'x'.repeat(400_000)}`);
        await waitFor(() => writer.provider.pendingCount === 0, 'writer saved');
        return namespace()?.sockets.size === 1;
      },
      'the stalled reader is disconnected',
      20_000,
    );
    expect(errors.filter((e) => e.code === 'SLOW_CONSUMER')).toHaveLength(1);
    // The writer is unaffected.
    writer.doc.getText('text').insert(0, 'after');
    await waitFor(() => writer.provider.pendingCount === 0, 'writer still saves');
    expect(writer.provider.status).toBe('connected');
  });
});
