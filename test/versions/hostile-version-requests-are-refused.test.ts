import { afterEach, describe, expect, it } from 'vitest';
import { type TestClient, connectSynced, destroyClients } from '../helpers/clients.js';
import { emitWithAck, type RawSocket, rawDocumentSocket } from '../helpers/raw-socket.js';
import { type RunningServer, startServer } from '../helpers/server.js';
import { whenSaved } from '../helpers/versions.js';

describe('hostile version requests', () => {
  let running: RunningServer;
  let clients: TestClient[] = [];
  let sockets: RawSocket[] = [];
  afterEach(async () => {
    destroyClients(clients);
    clients = [];
    for (const socket of sockets) socket.close();
    sockets = [];
    await running?.close();
  });

  it('get a code for every malformed request, and the document and its versions are untouched', async () => {
    // Enough refusals tolerated to see an answer to each (by default the connection is closed sooner).
    running = await startServer({ versions: { automatic: false }, rateLimits: { violations: { perSecond: 1, burst: 1_000 } } });
    const honest = await connectSynced(running.url, 'target');
    clients.push(honest);
    honest.doc.getText('text').insert(0, 'precious');
    await whenSaved(honest);
    const version = await honest.provider.versions.create({ name: 'keep me' });
    const attacker = await rawDocumentSocket(running.url, 'target');
    sockets.push(attacker);
    const payloads: unknown[] = [
      null,
      42,
      'x',
      [],
      [1],
      new Uint8Array([1, 2]),
      { id: '1' },
      { id: -1 },
      { id: 2 ** 60 },
      { id: Number.NaN },
      { id: 1.5 },
      { name: 7 },
      { name: 'x'.repeat(10_000) },
      { name: '\ud800' },
      { name: '' },
      JSON.parse('{"__proto__":{"id":1}}'),
      { id: { valueOf: 1 } },
    ];
    const isObject = (p: unknown): p is Record<string, unknown> =>
      p !== null && typeof p === 'object' && !Array.isArray(p) && !(p instanceof Uint8Array);
    // What each request needs beyond being an object; anything else in it is ignored.
    const valid: Record<string, (p: Record<string, unknown>) => boolean> = {
      'versions:list': () => true,
      'versions:create': (p) => !('name' in p),
      'versions:get': () => false,
      'versions:restore': () => false,
    };
    for (const event of Object.keys(valid)) {
      for (const payload of payloads) {
        const answer = await emitWithAck(attacker, event, payload);
        if (isObject(payload) && valid[event]!(payload)) continue;
        expect([event, answer.ok, answer.code], JSON.stringify(payload)).toEqual([
          event,
          false,
          expect.stringMatching(/BAD_PAYLOAD|RATE_LIMITED/),
        ]);
      }
    }
    // No ack at all: nothing to answer, nothing breaks.
    attacker.emit('versions:restore', { id: version.id });
    attacker.emit('versions:create');
    expect((await honest.provider.versions.list()).filter((v) => v.name !== null).map((v) => v.name)).toEqual(['keep me']);
    honest.doc.getText('text').insert(8, '!');
    await whenSaved(honest);
    expect(honest.doc.getText('text').toString()).toBe('precious!');
  });

  it('cannot flood a document with versions or restores', async () => {
    running = await startServer({
      versions: { automatic: false, clientWrites: { perSecond: 0.001, burst: 5 }, retention: { maxVersions: 3 } },
    });
    const writer = await connectSynced(running.url, 'flooded');
    clients.push(writer);
    writer.doc.getText('text').insert(0, 'x');
    await whenSaved(writer);
    const codes: string[] = [];
    for (let i = 0; i < 8; i++) {
      codes.push(
        await writer.provider.versions.create({ name: `v${i}` }).then(
          () => 'ok',
          (error: { code: string }) => error.code,
        ),
      );
    }
    expect(codes).toEqual(['ok', 'ok', 'ok', 'VERSION_LIMIT', 'VERSION_LIMIT', 'RATE_LIMITED', 'RATE_LIMITED', 'RATE_LIMITED']);
    // The server's own API is not a client: it is not rate limited (the cap still applies).
    await expect(running.server.versions.create('flooded')).rejects.toMatchObject({ code: 'VERSION_LIMIT' });
    expect(await running.server.versions.list('flooded')).toHaveLength(3);
  });
});
