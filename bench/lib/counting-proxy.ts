/**
 * A loopback TCP proxy that counts bytes each way: the one byte meter that works for every peer's
 * transport alike (WebSocket framing, Socket.io/engine.io packets and HTTP upgrade included).
 */
import net from 'node:net';

export interface CountingProxy {
  readonly url: string;
  /** Bytes from the client to the server, and back, since the last reset. */
  readonly counts: { up: number; down: number };
  reset(): void;
  close(): Promise<void>;
}

export async function startCountingProxy(targetPort: number): Promise<CountingProxy> {
  const counts = { up: 0, down: 0 };
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    client.on('data', (chunk: Buffer) => {
      counts.up += chunk.length;
    });
    upstream.on('data', (chunk: Buffer) => {
      counts.down += chunk.length;
    });
    client.pipe(upstream);
    upstream.pipe(client);
    const closeBoth = (): void => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', closeBoth).on('error', closeBoth);
    upstream.on('close', closeBoth).on('error', closeBoth);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    reset: () => {
      counts.up = 0;
      counts.down = 0;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
