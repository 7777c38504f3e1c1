import { io as connectSocket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { QuireProvider } from '../../client/index.js';
import { type RunningServer, startServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait-for.js';

function refusalOf(url: string, namespace: string, auth: object): Promise<{ code: string; message: string }> {
  const socket = connectSocket(url + namespace, { auth, forceNew: true, transports: ['websocket'] });
  return new Promise((resolve, reject) => {
    socket.on('connect', () => {
      socket.close();
      reject(new Error('connected'));
    });
    socket.on('connect_error', (error: Error & { data?: { code: string; message: string } }) => {
      socket.close();
      resolve(error.data ?? { code: 'none', message: error.message });
    });
  });
}

describe('the handshake refuses clearly', () => {
  let running: RunningServer;
  afterEach(async () => running?.close());

  it('a different protocol version gets PROTOCOL_MISMATCH naming both versions', async () => {
    running = await startServer();
    const refusal = await refusalOf(running.url, '/doc/x', { protocol: 999 });
    expect(refusal.code).toBe('PROTOCOL_MISMATCH');
    expect(refusal.message).toContain('999');
  });

  it('a missing protocol version gets PROTOCOL_MISMATCH', async () => {
    running = await startServer();
    expect((await refusalOf(running.url, '/doc/x', {})).code).toBe('PROTOCOL_MISMATCH');
  });

  it.each([
    ['a control character', '/doc/' + encodeURIComponent('bad\u0001name')],
    ['more than 255 bytes', '/doc/' + encodeURIComponent('é'.repeat(128))],
    ['broken URI encoding', '/doc/%E0%A4%A'],
    ['a non-canonical encoding', '/doc/a%2fb'],
  ])('a document name with %s gets BAD_DOC_NAME', async (_, namespace) => {
    running = await startServer();
    expect((await refusalOf(running.url, namespace, { protocol: 1 })).code).toBe('BAD_DOC_NAME');
  });

  it('the provider rejects an invalid name before connecting', () => {
    expect(() => new QuireProvider('http://127.0.0.1:1', '', new Y.Doc(), { connect: false })).toThrow(/empty/);
    expect(() => new QuireProvider('http://127.0.0.1:1', 'x'.repeat(256), new Y.Doc(), { connect: false })).toThrow(/255/);
  });

  it('a denied provider reports it and does not reconnect in a loop', async () => {
    running = await startServer({ authorize: () => false });
    let attempts = 0;
    running.server.io.of(/^\/doc\/.+$/).use((_socket, next) => {
      attempts++;
      next();
    });
    const provider = new QuireProvider(running.url, 'secret', new Y.Doc());
    const denied: string[] = [];
    provider.on('permission-denied', (info) => denied.push(info.code));
    await waitFor(() => denied.length === 1, 'permission-denied event');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(attempts).toBeLessThanOrEqual(1);
    expect(provider.status).toBe('disconnected');
    provider.destroy();
  });
});
