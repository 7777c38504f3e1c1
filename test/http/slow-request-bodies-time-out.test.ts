import type { IncomingMessage, ServerResponse } from 'node:http';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../helpers/server.js';

/** Opens a raw connection, sends `head`, then one byte every 200 ms; resolves with what the server answered once it closed. */
function dribble(url: string, head: string): Promise<{ answer: string; ms: number }> {
  const { port } = new URL(url);
  const started = Date.now();
  return new Promise((resolve) => {
    const socket = connect(Number(port), '127.0.0.1');
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.write(head);
    const timer = setInterval(() => socket.writable && socket.write('x'), 200);
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ answer, ms: Date.now() - started });
    });
    socket.on('error', () => {});
  });
}

describe('a client that sends its request slowly', () => {
  let running: RunningServer | null = null;
  afterEach(async () => {
    await running?.close();
    running = null;
  });

  it('is answered 408 and disconnected once requestTimeoutMs has passed, body or headers', async () => {
    // A route that reads the whole body before answering, as the admin API's uploads do.
    const upload = async (req: IncomingMessage, res: ServerResponse) => {
      if (req.method !== 'POST') return false;
      for await (const _chunk of req);
      res.end('stored');
      return true;
    };
    running = await startServer({ requestTimeoutMs: 1_000, requestHandlers: [upload] });
    // A body announced as 1 MB, sent a byte at a time (it would take days).
    const body = await dribble(running.url, 'POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n');
    expect(body.answer).toMatch(/^HTTP\/1\.1 408/);
    // Headers that never end.
    const headers = await dribble(running.url, 'GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ');
    expect(headers.answer).toMatch(/^HTTP\/1\.1 408/);
    // The server is fine afterwards.
    expect((await fetch(`${running.url}/nothing-here`)).status).toBe(404);
  });

  it('holds requests for 30 s at most by default, not Node’s 300 s', async () => {
    running = await startServer();
    const server = running.server.httpServer!;
    expect(server.requestTimeout).toBe(30_000);
    expect(server.headersTimeout).toBe(10_000);
  });
});
