/**
 * A TCP proxy between a browser page and the quire server that a test can cut, like a network
 * failure. Chromium's offline emulation cuts HTTP but not WebSockets that are already open, so
 * tests take a page "offline" here instead.
 *
 * `cut()` destroys every open connection (both directions stop at once: no byte from the page
 * reaches the server and none comes back) and refuses new ones until `restore()`.
 */
import net from 'node:net';

export interface TcpProxy {
  /** The port the page connects to. */
  readonly port: number;
  readonly url: string;
  /** Connections currently forwarded. */
  readonly openConnections: number;
  readonly isCut: boolean;
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
  const pairs = new Set<{ client: net.Socket; upstream: net.Socket }>();
  let isCut = false;

  const server = net.createServer((client) => {
    if (isCut) {
      // A refused connection, as seen from the page: reset, not a clean close.
      client.resetAndDestroy();
      return;
    }
    const upstream = net.connect(targetPort, targetHost);
    const pair = { client, upstream };
    pairs.add(pair);
    const drop = (): void => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const cut = (): void => {
    isCut = true;
    for (const { client, upstream } of pairs) {
      client.resetAndDestroy();
      upstream.resetAndDestroy();
    }
    pairs.clear();
  };

  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('proxy has no TCP address');

  return {
    port: address.port,
    url: `http://127.0.0.1:${address.port}`,
    get openConnections() {
      return pairs.size;
    },
    get isCut() {
      return isCut;
    },
    cut,
    restore() {
      isCut = false;
    },
    async close() {
      cut();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
