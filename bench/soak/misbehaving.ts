/**
 * The soak test's bad citizens, speaking the wire protocol by hand:
 *
 * - a stalled reader: joins a busy document over WebSocket, then stops reading its TCP socket
 *   (so it answers no heartbeat either). The server must not hold its backlog for ever; when it
 *   is dropped it comes back and stalls again.
 * - hostile clients: malformed updates, unknown events, oversized and spoofed presence, a flood
 *   of updates, bad namespaces. They get refused, closed for policy violations, and come back.
 */
import { io as connectSocket, type Socket } from 'socket.io-client';
import { encodeSyncFrame } from '../../shared/protocol/sync.js';
import { PROTOCOL_VERSION } from '../../shared/protocol/version.js';

export interface MisbehaviourCounters {
  stalls: number;
  stalledDrops: number;
  hostileConnects: number;
  hostileRefusals: number;
  hostileClosed: number;
}

export function newMisbehaviourCounters(): MisbehaviourCounters {
  return { stalls: 0, stalledDrops: 0, hostileConnects: 0, hostileRefusals: 0, hostileClosed: 0 };
}

function socketFor(url: string, namespace: string, transports: ('polling' | 'websocket')[] = ['websocket']): Socket {
  return connectSocket(url + namespace, {
    forceNew: true,
    reconnection: false,
    transports,
    auth: { protocol: PROTOCOL_VERSION },
  });
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs until `running()` turns false. */
export async function stalledReader(url: string, docName: string, running: () => boolean, counters: MisbehaviourCounters): Promise<void> {
  while (running()) {
    const socket = socketFor(url, `/doc/${encodeURIComponent(docName)}`);
    const connected = await new Promise<boolean>((resolve) => {
      socket.once('connect', () => resolve(true));
      socket.once('connect_error', () => resolve(false));
    });
    // engine.io-client's WebSocket transport holds a `ws` WebSocket; its TCP socket is what we stop reading.
    const tcp = (socket.io.engine as unknown as { transport?: { ws?: { _socket?: { pause(): void; destroy(): void } } } }).transport?.ws
      ?._socket;
    if (connected && tcp !== undefined) {
      counters.stalls++;
      tcp.pause();
      const closed = new Promise<void>((resolve) => socket.once('disconnect', () => resolve()));
      while (running() && socket.connected) {
        if (await Promise.race([closed.then(() => true), delay(500).then(() => false)])) break;
      }
      if (!socket.connected) counters.stalledDrops++;
      // A paused socket cannot finish a WebSocket close handshake: cut the TCP connection.
      tcp.destroy();
    }
    socket.disconnect();
    await delay(1000);
  }
}

const attacks: ((socket: Socket, rng: () => number) => void)[] = [
  (socket, rng) => socket.emit('update', new Uint8Array(Array.from({ length: 64 }, () => Math.floor(rng() * 256))), () => {}),
  (socket) => socket.emit('update', encodeSyncFrame('update', new Uint8Array([1, 1, 200, 1, 0, 0])), () => {}),
  (socket) => socket.emit('no-such-event', { hello: 'world' }, () => {}),
  (socket) => socket.emit('awareness', new Uint8Array(40 * 1024), () => {}),
  // Presence for a client id someone else owns (ids 1..1000 are likely taken or not; either is fine).
  (socket, rng) => socket.emit('awareness', new Uint8Array([1, Math.floor(rng() * 120) + 1, 1, 2, 123, 125]), () => {}),
  (socket) => socket.emit('sync-step-1', 'not bytes', () => {}),
  (socket) => {
    // A flood of valid-looking but empty updates: rate limited, then closed.
    for (let i = 0; i < 400; i++) socket.emit('update', encodeSyncFrame('update', new Uint8Array([0, 0])), () => {});
  },
];

const badNamespaces = ['/doc/%E0%A4%A', '/doc/', '/nope', `/doc/${'x'.repeat(400)}`, '/doc/a%00b'];

/** One hostile client; runs until `running()` turns false. */
export async function hostileClient(
  url: string,
  docNames: readonly string[],
  rng: () => number,
  running: () => boolean,
  counters: MisbehaviourCounters,
): Promise<void> {
  while (running()) {
    const bad = rng() < 0.2;
    const namespace = bad
      ? badNamespaces[Math.floor(rng() * badNamespaces.length)]!
      : `/doc/${encodeURIComponent(docNames[Math.floor(rng() * docNames.length)]!)}`;
    const socket = socketFor(url, namespace, rng() < 0.2 ? ['polling'] : ['websocket']);
    const connected = await new Promise<boolean>((resolve) => {
      socket.once('connect', () => resolve(true));
      socket.once('connect_error', () => resolve(false));
    });
    if (!connected) {
      counters.hostileRefusals++;
      socket.io.engine?.close();
      socket.disconnect();
      await delay(200 + rng() * 800);
      continue;
    }
    counters.hostileConnects++;
    let closed = false;
    socket.once('disconnect', () => {
      closed = true;
      counters.hostileClosed++;
    });
    const until = Date.now() + 2000 + rng() * 5000;
    while (running() && !closed && Date.now() < until) {
      attacks[Math.floor(rng() * attacks.length)]!(socket, rng);
      await delay(20 + rng() * 200);
    }
    socket.io.engine?.close();
    socket.disconnect();
    await delay(200 + rng() * 800);
  }
}
