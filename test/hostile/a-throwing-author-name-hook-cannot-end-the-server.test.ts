/**
 * `versions.authorName` is the application's code, called with what a client's token says. A throw
 * from it must end up as a refusal of the request that needed it, never escape the event handler
 * (which would end the process), and never turn an update that was stored into a refused one (the
 * client would send it again and again, never told it saved).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { connectRaw, emitWithAck, type RawSocket, syncRaw, textUpdateFrame } from '../helpers/raw-socket.js';
import { type RunningServer, startServer } from '../helpers/server.js';

describe('an authorName hook that throws', () => {
  let running: RunningServer;
  const sockets: RawSocket[] = [];
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.close();
    await running?.close();
  });

  it('refuses the version request that needed it; updates are still acknowledged', async () => {
    running = await startServer({
      versions: {
        authorName: () => {
          throw new Error('no author for this principal');
        },
      },
    });
    const errors: unknown[] = [];
    const onError = (error: unknown) => errors.push(error);
    process.on('uncaughtException', onError);
    try {
      const socket = await connectRaw(running.url, 'author-hook');
      sockets.push(socket);
      await syncRaw(socket);
      expect(await emitWithAck(socket, 'update', textUpdateFrame('stored'))).toEqual({ ok: true });
      const answer = await emitWithAck(socket, 'versions:create', { name: 'v1' });
      expect(answer.ok).toBe(false);
      expect(await emitWithAck(socket, 'versions:list', {})).toMatchObject({ ok: true });
      expect(errors).toEqual([]);
    } finally {
      process.off('uncaughtException', onError);
    }
  });
});
