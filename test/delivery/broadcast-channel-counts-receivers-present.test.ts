import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { io as connectSocket, type Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { namespaceChannel } from '../../server/transport/channel.js';
import { SingleFrameAdapter } from '../../server/transport/single-frame-adapter.js';
import type { QuireNamespace } from '../../server/transport/types.js';
import { waitFor } from '../helpers/wait-for.js';

/** The channel against a real Socket.io namespace and real clients. */
describe('the broadcast channel sends to every socket present, whoever was excluded', () => {
  let http: HttpServer;
  let io: Server;
  const clients: Socket[] = [];
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await new Promise<void>((resolve) => io.close(() => resolve()));
  });

  async function namespaceWith(
    count: number,
    adapter?: typeof SingleFrameAdapter,
  ): Promise<{ nsp: QuireNamespace; received: string[][]; ids: string[] }> {
    http = createHttpServer();
    io = new Server(http, adapter === undefined ? {} : { adapter });
    const nsp = io.of('/doc/channel') as unknown as QuireNamespace;
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const { port } = http.address() as AddressInfo;
    const received: string[][] = [];
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const log: string[] = [];
      received.push(log);
      const client = connectSocket(`http://127.0.0.1:${port}/doc/channel`, { forceNew: true, transports: ['websocket'] });
      client.on('update', (payload: ArrayBuffer) => log.push(new TextDecoder().decode(payload)));
      clients.push(client);
      await new Promise<void>((resolve) => client.once('connect', () => resolve()));
      ids.push([...nsp.sockets.keys()].at(-1)!);
    }
    return { nsp, received, ids };
  }

  it('a departed sender leaves one receiver: the broadcast still goes out and is counted once', async () => {
    const { nsp, received } = await namespaceWith(1);
    const sent: number[] = [];
    const channel = namespaceChannel(
      () => nsp,
      (_event, _bytes, receivers) => sent.push(receivers),
    );
    channel.broadcast('update', new TextEncoder().encode('from a leaver'), ['a-socket-that-left']);
    await waitFor(() => received[0]!.length === 1, 'the remaining socket receives it');
    expect(received[0]).toEqual(['from a leaver']);
    expect(sent).toEqual([1]);
  });

  it('a present sender is excluded and the others are counted', async () => {
    const { nsp, received, ids } = await namespaceWith(3);
    const sent: number[] = [];
    const channel = namespaceChannel(
      () => nsp,
      (_event, _bytes, receivers) => sent.push(receivers),
    );
    channel.broadcast('update', new TextEncoder().encode('x'), [ids[0]!, 'gone']);
    await waitFor(() => received[1]!.length === 1 && received[2]!.length === 1, 'the others receive it');
    expect(received[0]).toEqual([]);
    expect(sent).toEqual([2]);
  });

  it('nothing is sent or counted when only the sender is present', async () => {
    const { nsp, ids } = await namespaceWith(1);
    const sent: number[] = [];
    const channel = namespaceChannel(
      () => nsp,
      (_event, _bytes, receivers) => sent.push(receivers),
    );
    channel.broadcast('update', new Uint8Array([1]), [ids[0]!]);
    expect(sent).toEqual([]);
  });

  it.each([
    ["Socket.io's own adapter", undefined],
    ['the single-frame adapter', SingleFrameAdapter],
  ])('a payload for one socket reaches that socket alone, through %s', async (_name, adapter) => {
    const { nsp, received, ids } = await namespaceWith(3, adapter);
    const sent: number[] = [];
    const channel = namespaceChannel(
      () => nsp,
      (_event, _bytes, receivers) => sent.push(receivers),
    );
    channel.sendTo('a-socket-that-left', 'update', new TextEncoder().encode('lost'));
    channel.sendTo(ids[1]!, 'update', new TextEncoder().encode('for one'));
    await waitFor(() => received[1]!.length === 1, 'the addressed socket receives it');
    channel.broadcast('update', new TextEncoder().encode('after'), []);
    await waitFor(() => received.every((log) => log.includes('after')), 'everyone receives the next broadcast');
    expect(received).toEqual([['after'], ['for one', 'after'], ['after']]);
    expect(sent).toEqual([1, 3]);
  });
});
