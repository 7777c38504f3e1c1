import { afterEach, describe, expect, it } from 'vitest';
import type { HandshakeInfo } from '../../server/index.js';
import { readHandshakeParams } from '../../shared/handshake-params.js';
import { PROTOCOL_VERSION } from '../../shared/protocol/version.js';
import { type TestClient, connectClient, connectSynced, destroyClients } from '../helpers/clients.js';
import { connectRaw } from '../helpers/raw-socket.js';
import { type RunningServer, startServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait-for.js';

describe('what y-websocket users expect of the provider', () => {
  let running: RunningServer | null = null;
  let clients: TestClient[] = [];
  afterEach(async () => {
    destroyClients(clients);
    clients = [];
    await running?.close();
    running = null;
  });

  it("emits 'sync' with 'synced', and keeps status and synced read-only", async () => {
    running = await startServer();
    const client = connectClient(running.url, 'sync-alias');
    clients.push(client);
    const events: string[] = [];
    client.provider.on('sync', (synced) => events.push(`sync:${synced}`));
    client.provider.on('synced', (synced) => events.push(`synced:${synced}`));
    await client.provider.whenSynced();
    expect(events).toEqual(['synced:true', 'sync:true']);
    expect(client.provider.synced).toBe(true);
    expect(client.provider.status).toBe('connected');
    expect(() => {
      (client.provider as unknown as { synced: boolean }).synced = false;
    }).toThrow(TypeError);
    expect(() => {
      (client.provider as unknown as { status: string }).status = 'disconnected';
    }).toThrow(TypeError);
    expect(client.provider.synced).toBe(true);
  });

  it('hands params to the hooks at every connect, a function being called each time', async () => {
    const seen: Record<string, string>[] = [];
    running = await startServer({
      authenticate: (handshake: HandshakeInfo) => {
        seen.push(handshake.params);
        return { room: handshake.params['room'] };
      },
      authorize: (principal) => ((principal as { room?: string }).room === 'blue' ? 'write' : false),
    });
    let calls = 0;
    const client = await connectSynced(running.url, 'with-params', {
      params: () => {
        calls++;
        return { room: 'blue', attempt: String(calls) };
      },
    });
    clients.push(client);
    client.provider.disconnect();
    client.provider.connect();
    await waitFor(() => client.provider.synced, 'the second sync');
    expect(seen).toEqual([
      { room: 'blue', attempt: '1' },
      { room: 'blue', attempt: '2' },
    ]);

    const denied = connectClient(running.url, 'with-params', { params: { room: 'red' } });
    clients.push(denied);
    const refusal = await new Promise<string>((resolve) => denied.provider.on('permission-denied', ({ code }) => resolve(code)));
    expect(refusal).toBe('PERMISSION_DENIED');
  });

  it('drops malformed params instead of failing the handshake', async () => {
    const seen: Record<string, string>[] = [];
    running = await startServer({
      authenticate: (handshake: HandshakeInfo) => {
        seen.push(handshake.params);
        return {};
      },
    });
    const hostile: unknown[] = [
      'a string',
      ['an', 'array'],
      null,
      { nested: { deep: 1 }, number: 7, ok: 'yes', ['x'.repeat(200)]: 'long key', big: 'v'.repeat(5000) },
      JSON.parse('{"__proto__": "polluted", "constructor": "c"}'),
      Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`k${i}`, 'v'])),
    ];
    for (const params of hostile) {
      const socket = await connectRaw(running.url, 'hostile-params', { auth: { protocol: PROTOCOL_VERSION, params } });
      socket.disconnect();
    }
    expect(seen[0]).toEqual({});
    expect(seen[1]).toEqual({});
    expect(seen[2]).toEqual({});
    expect(seen[3]).toEqual({ ok: 'yes' });
    expect(Object.getPrototypeOf(seen[4])).toBe(Object.prototype);
    expect(seen[4]).toEqual(readHandshakeParams(hostile[4]));
    expect(Object.keys(seen[5]!)).toHaveLength(32);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});
