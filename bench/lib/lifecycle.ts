/** Scoped resources for workloads: a server child that is always stopped, a temp dir always removed. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PeerName } from './peers.js';
import { startServer, type ServerProcess, type ServerProcessOptions } from './server-process.js';
import { sleep } from './wait.js';

export async function withServer<T>(
  peer: PeerName,
  options: ServerProcessOptions,
  body: (server: ServerProcess) => Promise<T>,
): Promise<T> {
  const server = await startServer(peer, options);
  try {
    return await body(server);
  } finally {
    await server.stop();
  }
}

export async function withTempDir<T>(prefix: string, body: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), `quire-bench-${prefix}-`));
  try {
    return await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Waits until the server has been (nearly) idle for two samples in a row: used where the peers
 * give no acknowledgement to wait for, e.g. "every update written has been processed".
 */
export async function waitForServerIdle(
  server: ServerProcess,
  { intervalMs = 250, maxBusyFraction = 0.02, timeoutMs = 30_000 } = {},
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let previous = await server.stats();
  let quietSamples = 0;
  while (quietSamples < 2 && performance.now() < deadline) {
    await sleep(intervalMs);
    const current = await server.stats();
    const busyUs = current.cpuUserUs + current.cpuSystemUs - previous.cpuUserUs - previous.cpuSystemUs;
    quietSamples = busyUs < intervalMs * 1000 * maxBusyFraction ? quietSamples + 1 : 0;
    previous = current;
  }
}
