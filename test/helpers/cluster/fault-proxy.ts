/**
 * A TCP proxy between one node and one service (PostgreSQL or Redis) whose link the test breaks:
 * - pass: bytes flow;
 * - blackhole: connections stay open but nothing goes through either way (a partition): reading
 *   pauses, so what was sent meanwhile arrives when the link heals, as TCP retransmission would
 *   deliver it; new connections are accepted into the same silence;
 * - reset: every connection is destroyed and new ones are refused at once;
 * - delay: bytes flow after `delayMs`.
 */
import { type Server, type Socket, createServer, connect } from 'node:net';

export type FaultMode = 'pass' | 'blackhole' | 'reset' | 'delay';

export class FaultProxy {
  private mode: FaultMode = 'pass';
  private delayMs = 0;
  private readonly pairs = new Set<[Socket, Socket]>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(targetPort: number, targetHost = '127.0.0.1'): Promise<FaultProxy> {
    let proxy: FaultProxy | null = null;
    const server = createServer((client) => proxy!.accept(client, targetHost, targetPort));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    proxy = new FaultProxy(server, (server.address() as { port: number }).port);
    return proxy;
  }

  /** Replaces the target's URL host:port with this proxy's. */
  urlFor(targetUrl: string): string {
    const url = new URL(targetUrl);
    url.hostname = '127.0.0.1';
    url.port = String(this.port);
    return url.toString();
  }

  set(mode: FaultMode, delayMs = 0): void {
    this.mode = mode;
    this.delayMs = delayMs;
    for (const pair of this.pairs)
      for (const socket of pair)
        if (mode === 'blackhole') socket.pause();
        else socket.resume();
    if (mode === 'reset') {
      for (const [a, b] of this.pairs) {
        a.resetAndDestroy();
        b.destroy();
      }
      this.pairs.clear();
    }
  }

  async close(): Promise<void> {
    for (const [a, b] of this.pairs) {
      a.destroy();
      b.destroy();
    }
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket, host: string, port: number): void {
    if (this.mode === 'reset') return void client.resetAndDestroy();
    const upstream = connect({ host, port });
    const pair: [Socket, Socket] = [client, upstream];
    this.pairs.add(pair);
    const forward = (from: Socket, to: Socket) =>
      from.on('data', (chunk: Buffer) => {
        if (this.mode === 'delay') setTimeout(() => to.destroyed || to.write(chunk), this.delayMs);
        else if (!to.destroyed) to.write(chunk);
      });
    forward(client, upstream);
    forward(upstream, client);
    if (this.mode === 'blackhole') for (const socket of pair) socket.pause();
    const end = () => {
      this.pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    for (const socket of pair) {
      socket.on('error', end);
      socket.on('close', end);
    }
  }
}
