/**
 * The load balancer of the cluster tests: HTTP (long-polling) and WebSocket upgrades to the nodes,
 * sticky by a handshake hint (the `hint` query parameter every Socket.io request of a client
 * carries): a hint always reaches the same live node, and moves to the next live one when that
 * node is down. In round-robin mode it spreads every request over the nodes, as a load balancer
 * without sticky sessions does.
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer, request } from 'node:http';
import { type Socket, connect } from 'node:net';
import type { Duplex } from 'node:stream';

export type Routing = 'sticky' | 'round-robin';

export class StickyProxy {
  private next = 0;
  private readonly sockets = new Set<Duplex>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
    /** The nodes' ports; null while a node is down. */
    readonly targets: (number | null)[],
    public routing: Routing,
  ) {}

  static async start(targets: (number | null)[], routing: Routing = 'sticky'): Promise<StickyProxy> {
    let proxy: StickyProxy | null = null;
    const server = createServer((req, res) => void proxy!.forward(req, res));
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => proxy!.upgrade(req, socket, head));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    proxy = new StickyProxy(server, (server.address() as { port: number }).port, targets, routing);
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Candidate ports in the order to try: the hint's node first, then the others. */
  private candidates(url: string | undefined): number[] {
    const count = this.targets.length;
    let start: number;
    if (this.routing === 'round-robin') start = this.next++ % count;
    else {
      const hint = new URL(url ?? '/', 'http://x').searchParams.get('hint') ?? '';
      start = [...hint].reduce((hash, ch) => (hash * 31 + ch.charCodeAt(0)) >>> 0, 7) % count;
    }
    const ports: number[] = [];
    for (let i = 0; i < count; i++) {
      const port = this.targets[(start + i) % count];
      if (port !== null && port !== undefined) ports.push(port);
    }
    return ports;
  }

  private async forward(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    for (const port of this.candidates(req.url)) {
      const answered = await new Promise<boolean>((resolve) => {
        const upstream = request({ host: '127.0.0.1', port, method: req.method, path: req.url, headers: req.headers }, (reply) => {
          res.writeHead(reply.statusCode ?? 502, reply.headers);
          reply.pipe(res);
          resolve(true);
        });
        upstream.on('error', (error: NodeJS.ErrnoException) => {
          if (!res.headersSent && error.code === 'ECONNREFUSED') resolve(false);
          else {
            res.destroy();
            resolve(true);
          }
        });
        upstream.end(body);
      });
      if (answered) return;
    }
    res.writeHead(502).end();
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    const tryPorts = (ports: number[]) => {
      const port = ports[0];
      if (port === undefined) return void socket.destroy();
      const upstream: Socket = connect({ host: '127.0.0.1', port });
      upstream.once('error', (error: NodeJS.ErrnoException) => {
        if (error.code === 'ECONNREFUSED' && !upstream.bytesRead) tryPorts(ports.slice(1));
        else socket.destroy();
      });
      upstream.once('connect', () => {
        const headers = Object.entries(req.headers).flatMap(([name, value]) =>
          (Array.isArray(value) ? value : [value]).map((v) => `${name}: ${v}`),
        );
        upstream.write(`${req.method} ${req.url} HTTP/1.1\r\n${headers.join('\r\n')}\r\n\r\n`);
        if (head.length > 0) upstream.write(head);
        upstream.pipe(socket);
        socket.pipe(upstream);
        upstream.on('close', () => socket.destroy());
        socket.on('close', () => upstream.destroy());
      });
    };
    tryPorts(this.candidates(req.url));
  }
}
