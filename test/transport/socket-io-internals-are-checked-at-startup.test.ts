import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createServer as createHttpServer } from 'node:http';
import { Server as SocketIoServer } from 'socket.io';
import { describe, expect, it } from 'vitest';
import { createServer } from '../../server/index.js';
import { SingleFrameAdapter } from '../../server/transport/single-frame-adapter.js';
import {
  SocketIoInternalsError,
  TESTED_VERSIONS,
  broadcastInternalsProblems,
  engineWebSocketTransport,
} from '../../server/transport/socket-io-internals.js';

const require = createRequire(import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  dependencies: Record<string, string>;
};

function installedVersion(name: string): string {
  // engine.io as socket.io loads it, the others as quire does.
  const from = name === 'engine.io' ? createRequire(require.resolve('socket.io')) : require;
  // engine.io does not export its package.json: walk up from its entry point.
  let dir = dirname(from.resolve(name));
  while (
    !existsSync(join(dir, 'package.json')) ||
    (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string }).name !== name
  ) {
    dir = dirname(dir);
  }
  return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
}

describe('quire checks the Socket.io internals it relies on', () => {
  it('pins socket.io, engine.io and socket.io-adapter exactly, and runs on exactly those versions', () => {
    for (const [name, version] of Object.entries(TESTED_VERSIONS)) {
      expect(manifest.dependencies[name], `package.json pins ${name}`).toBe(version);
      expect(installedVersion(name), `installed ${name}`).toBe(version);
    }
  });

  it('starts on the installed versions, its own Socket.io server or an application’s', async () => {
    const own = createServer();
    await own.close();
    const io = new SocketIoServer(createHttpServer());
    const attached = createServer({ io });
    await attached.close();
  });

  it('refuses to start, naming what is missing and the tested versions, when an internal moved', () => {
    const io = new SocketIoServer(createHttpServer());
    // What a Socket.io release that renamed its namespace registry would look like.
    Object.defineProperty(io, '_nsps', { value: {}, configurable: true });
    const attempt = () => createServer({ io });
    expect(attempt).toThrow(SocketIoInternalsError);
    expect(attempt).toThrow(/Server#_nsps is not a Map.*socket\.io 4\.8\.4, engine\.io 6\.6\.12, socket\.io-adapter 2\.5\.8/);
  });

  it('detects an engine.io whose WebSocket transport no longer takes pre-encoded frames', () => {
    const io = new SocketIoServer({ adapter: SingleFrameAdapter });
    const adapter = io.of(/^\/doc\/.+$/).adapter;
    expect(broadcastInternalsProblems(adapter, engineWebSocketTransport())).toEqual([]);
    class OlderTransport {
      send(): void {}
    }
    expect(broadcastInternalsProblems(adapter, OlderTransport)).toEqual([
      "engine.io's WebSocket transport does not take pre-encoded frames (wsPreEncodedFrame)",
    ]);
  });
});
