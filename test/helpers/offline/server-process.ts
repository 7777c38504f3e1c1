/**
 * Server child processes for the offline tests: the shared fixture (test/helpers/server-process.ts)
 * with a short unload grace and any origin allowed, plus stop (SIGTERM) / crash (SIGKILL) verbs and
 * a tracker so afterEach can crash whatever a failed test left running.
 */
import { startServerProcess as startShared } from '../server-process.js';

export interface ServerProcess {
  readonly port: number;
  readonly url: string;
  /** SIGTERM: the server flushes and closes. */
  stop(): Promise<void>;
  /** SIGKILL: nothing is flushed beyond what was already acknowledged. */
  crash(): Promise<void>;
}

export async function startServerProcess(dataDir: string, port = 0): Promise<ServerProcess> {
  const server = await startShared({ dataDir, port, env: { QUIRE_UNLOAD_GRACE_MS: '50', QUIRE_ANY_ORIGIN: '1' } });
  return {
    port: server.port,
    url: server.url,
    stop: () => server.kill('SIGTERM'),
    crash: () => server.kill('SIGKILL'),
  };
}

/** Tracks started processes so afterEach can crash whatever a failed test left running. */
export class ServerProcesses {
  private readonly running = new Set<ServerProcess>();

  async start(dataDir: string, port = 0): Promise<ServerProcess> {
    const server = await startServerProcess(dataDir, port);
    this.running.add(server);
    return server;
  }

  async crashAll(): Promise<void> {
    await Promise.all([...this.running].map((server) => server.crash()));
    this.running.clear();
  }
}
