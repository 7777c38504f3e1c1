import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server as SocketIoServer } from 'socket.io';
import { afterEach, describe, expect, it } from 'vitest';
import type { ErrorInfo } from '../../client/index.js';
import { createServer, type QuireServer } from '../../server/index.js';
import { type RunningServer, startServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait-for.js';
import { closeClients, openClient, text } from '../helpers/offline/offline-client.js';

const KiB = 1024;
const MiB = 1024 * KiB;

let running: RunningServer | undefined;
let attached: { quire: QuireServer; close(): Promise<void> } | undefined;

afterEach(async () => {
  closeClients();
  await running?.close();
  await attached?.close();
  running = attached = undefined;
});

/** quire on an app's own Socket.io server, with Socket.io's default 1 MB message limit. */
async function attachToAppIo(): Promise<string> {
  const http = createHttpServer();
  const io = new SocketIoServer(http);
  const quire = createServer({ io });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  attached = {
    quire,
    async close() {
      await quire.close();
      await new Promise<void>((resolve) => void io.close(() => resolve()));
    },
  };
  return `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
}

function statusChanges(client: ReturnType<typeof openClient>): () => number {
  let changes = 0;
  client.provider.on('status', () => changes++);
  return () => changes;
}

describe("quire sizes its messages to Socket.io's limit, so a large edit never makes a connection loop", () => {
  it("on an app's io with the default 1 MB limit, a 2 MB insert is saved, and so is another document on the same connection", async () => {
    const url = await attachToAppIo();
    const big = openClient(url, 'big');
    const small = openClient(url, 'small');
    await Promise.all([big.provider.whenSynced(), small.provider.whenSynced()]);
    const changes = statusChanges(big);
    big.doc.getText('text').insert(0, 'x'.repeat(2 * MiB));
    for (const letter of 'keystrokes') small.doc.getText('text').insert(text(small).length, letter);
    await waitFor(() => big.provider.pendingCount === 0 && small.provider.pendingCount === 0, 'both saved', 20_000);
    expect(changes()).toBe(0);
    const reader = openClient(url, 'big');
    await reader.provider.whenSynced();
    expect(text(reader)).toHaveLength(2 * MiB);
  });

  it("refuses to start when maxMessageBytes exceeds the attached io's maxHttpBufferSize", () => {
    const io = new SocketIoServer({ maxHttpBufferSize: 1 * MiB });
    expect(() => createServer({ io, maxMessageBytes: 16 * MiB })).toThrow(/maxHttpBufferSize/);
  });

  it('over long-polling, where binary travels base64-encoded, an update near the message limit is saved', async () => {
    running = await startServer({ maxMessageBytes: 1 * MiB, maxUpdateBytes: 1 * MiB });
    const writer = openClient(running.url, 'polling', { transports: ['polling'] });
    await writer.provider.whenSynced();
    const changes = statusChanges(writer);
    writer.doc.getText('text').insert(0, 'y'.repeat(820 * KiB));
    await waitFor(() => writer.provider.pendingCount === 0 && writer.saves() > 0, 'saved over polling', 20_000);
    expect(changes()).toBe(0);
  });

  for (const transport of ['polling', 'websocket'] as const) {
    it(`when something in between accepts less than the server said (${transport}), the provider reports it and sends smaller parts instead of looping`, async () => {
      running = await startServer({ maxMessageBytes: 1 * MiB, maxUpdateBytes: 1 * MiB });
      // A proxy with a smaller message limit: HTTP 413 for a long-polling body, close code 1009 for a WebSocket.
      const engine = running.server.io.engine as unknown as {
        opts: { maxHttpBufferSize: number };
        ws: { options: { maxPayload: number } };
      };
      engine.opts.maxHttpBufferSize = 200 * KiB;
      engine.ws.options.maxPayload = 200 * KiB;
      const writer = openClient(running.url, `behind-a-proxy-${transport}`, { transports: [transport] });
      await writer.provider.whenSynced();
      const errors: ErrorInfo[] = [];
      writer.provider.on('connection-error', (info) => errors.push(info));
      const changes = statusChanges(writer);
      writer.doc.getText('text').insert(0, 'z'.repeat(600 * KiB));
      await waitFor(() => writer.provider.pendingCount === 0 && writer.saves() > 0, 'saved in smaller parts', 30_000);
      expect(errors.length).toBeGreaterThan(0);
      expect(errors.every((error) => error.code === 'MESSAGE_TOO_LARGE')).toBe(true);
      // A few reconnects while the part size halves, not a loop.
      expect(changes()).toBeLessThan(12);
    });
  }
});
