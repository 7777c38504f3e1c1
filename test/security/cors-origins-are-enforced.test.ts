import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import { type RunningServer, startServer } from '../helpers/server.js';
import { removeTempDirs, tempDir } from '../helpers/temp-dir.js';

const allowed = 'https://app.example.com';
const foreign = 'https://evil.example.net';

/** Opens a WebSocket-only connection sending an Origin header (as a browser would); resolves with whether it opened. */
function websocketOpens(url: string, origin: string | undefined): Promise<boolean> {
  const socket = io(url, {
    forceNew: true,
    reconnection: false,
    transports: ['websocket'],
    ...(origin === undefined ? {} : { extraHeaders: { origin } }),
  });
  return new Promise((resolve) => {
    socket.io.once('open', () => {
      socket.close();
      resolve(true);
    });
    socket.io.once('error', () => {
      socket.close();
      resolve(false);
    });
  });
}

function pollingHandshake(url: string, origin: string | undefined): Promise<Response> {
  return fetch(`${url}/socket.io/?EIO=4&transport=polling`, origin === undefined ? {} : { headers: { origin } });
}

describe('configured CORS origins apply to the Socket.io endpoint (every transport) and the HTTP routes', () => {
  let running: RunningServer;
  let dir: string | null = null;

  afterEach(async () => {
    await running?.close();
    await removeTempDirs();
    dir = null;
  });

  it('admits allowed origins and clients without an Origin; refuses other origins for polling and WebSocket', async () => {
    running = await startServer({ corsOrigins: [allowed] });
    const ok = await pollingHandshake(running.url, allowed);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe(allowed);
    expect((await pollingHandshake(running.url, undefined)).status).toBe(200);
    const refused = await pollingHandshake(running.url, foreign);
    expect(refused.status).toBe(403);
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    expect(await websocketOpens(running.url, allowed)).toBe(true);
    expect(await websocketOpens(running.url, undefined)).toBe(true);
    expect(await websocketOpens(running.url, foreign)).toBe(false);
  });

  it('"*" (alone or in a list, as the CLI spells it) admits any origin', async () => {
    running = await startServer({ corsOrigins: ['*'] });
    const response = await pollingHandshake(running.url, foreign);
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(foreign);
    expect(await websocketOpens(running.url, foreign)).toBe(true);
  });

  it('without configured origins sends no CORS headers and refuses other origins (same origin is the default)', async () => {
    running = await startServer();
    const response = await pollingHandshake(running.url, foreign);
    expect(response.status).toBe(403);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it("adds CORS headers to the server's own HTTP routes for allowed origins and answers preflights", async () => {
    dir = await tempDir('cors');
    await writeFile(join(dir, 'index.html'), '<!doctype html><title>quire</title>');
    running = await startServer({ corsOrigins: allowed, staticDir: dir });
    const page = await fetch(`${running.url}/`, { headers: { origin: allowed } });
    expect(page.status).toBe(200);
    expect(page.headers.get('access-control-allow-origin')).toBe(allowed);
    expect(page.headers.get('vary')).toContain('Origin');
    const foreignPage = await fetch(`${running.url}/`, { headers: { origin: foreign } });
    expect(foreignPage.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(`${running.url}/`, {
      method: 'OPTIONS',
      headers: { origin: allowed, 'access-control-request-method': 'GET' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('GET');
  });
});
