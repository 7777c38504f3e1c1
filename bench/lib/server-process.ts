/**
 * Starts one server in its own child process (`bench/servers/<peer>.ts` under tsx, with
 * `--expose-gc` so the driver can ask for memory after a full GC) and talks to it over IPC.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ENV_DATA_DIR, type DriverMessage, type ServerMessage, type ServerStats } from '../servers/ipc.js';
import { peerFileStem, type PeerName } from './peers.js';

export interface ServerProcessOptions {
  /** Persistence directory; the server runs without persistence when absent. */
  dataDir?: string;
  /** Run this server file instead of `bench/servers/<peer>.ts` (e.g. the soak test's server). */
  serverFile?: string;
  /** Extra environment for the child. */
  env?: Record<string, string>;
}

export interface ServerProcess {
  readonly peer: PeerName;
  readonly port: number;
  readonly url: string;
  readonly pid: number;
  /** Milliseconds from spawn to the server reporting its port. */
  readonly startupMs: number;
  stats(options?: { gc?: boolean }): Promise<ServerStats>;
  /** Starts the server's CPU profiler (inspector protocol, 100 µs sampling). */
  startProfile(): Promise<void>;
  /** Stops it and writes the `.cpuprofile` JSON to `path`. */
  stopProfile(path: string): Promise<void>;
  /** Asks the server to close (flushing what it flushes) and waits for the process to exit. */
  stop(): Promise<void>;
  /** SIGKILL: no flush, no goodbye. */
  kill(): Promise<void>;
}

const STARTUP_TIMEOUT_MS = 30_000;
const STATS_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 15_000;

function serverFile(peer: PeerName): string {
  return fileURLToPath(new URL(`../servers/${peerFileStem(peer)}.ts`, import.meta.url));
}

function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

export async function startServer(peer: PeerName, options: ServerProcessOptions = {}): Promise<ServerProcess> {
  const execArgv = ['--import', 'tsx', '--expose-gc'];
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env, [ENV_DATA_DIR]: options.dataDir ?? '' };
  // A debug namespace inherited from the shell would turn on logging inside the measured server.
  delete env.DEBUG;
  // The driver may run with a raised heap ceiling (150 joiners × 4 MB); the servers keep Node's own.
  delete env.NODE_OPTIONS;
  const started = performance.now();
  const child = fork(options.serverFile ?? serverFile(peer), [], { execArgv, env, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    // Keep the tail only: some peers log per connection.
    stderr = (stderr + chunk.toString()).slice(-4000);
  });

  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${peer} server did not start in time\n${stderr}`)), STARTUP_TIMEOUT_MS);
    const onMessage = (message: ServerMessage): void => {
      if (message.type === 'ready') {
        clearTimeout(timer);
        child.off('message', onMessage);
        // Yjs warns on stderr when a second copy loads; that server's numbers would be meaningless.
        if (stderr.includes('Yjs was already imported')) {
          child.kill('SIGKILL');
          reject(new Error(`${peer} server loaded two copies of Yjs`));
        } else resolve(message.port);
      } else if (message.type === 'failed') {
        clearTimeout(timer);
        reject(new Error(`${peer} server failed to start: ${message.message}`));
      }
    };
    child.on('message', onMessage);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${peer} server exited (${code ?? signal}) before listening\n${stderr}`));
    });
  });
  const startupMs = performance.now() - started;

  let nextId = 0;
  const pending = new Map<number, (stats: ServerStats) => void>();
  const pendingProfile = new Map<number, (error: string | null) => void>();
  child.on('message', (message: ServerMessage) => {
    if (message.type === 'stats') {
      pending.get(message.id)?.(message.stats);
      pending.delete(message.id);
    } else if (message.type === 'profiled') {
      pendingProfile.get(message.id)?.(message.error);
      pendingProfile.delete(message.id);
    }
  });
  const profile = (message: { action: 'start' } | { action: 'stop'; path: string }): Promise<void> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pendingProfile.set(id, (error) => (error === null ? resolve() : reject(new Error(`${peer} profiler: ${error}`))));
      send({ type: 'profile', id, ...message });
    });
  const send = (message: DriverMessage): void => {
    if (child.connected) child.send(message);
  };

  return {
    peer,
    port,
    url: `http://127.0.0.1:${port}`,
    pid: child.pid ?? -1,
    startupMs,
    stats: ({ gc = false } = {}) =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`${peer} server did not answer a stats request`));
        }, STATS_TIMEOUT_MS);
        pending.set(id, (stats) => {
          clearTimeout(timer);
          resolve(stats);
        });
        send({ type: 'stats', id, gc });
      }),
    startProfile: () => profile({ action: 'start' }),
    stopProfile: (path) => profile({ action: 'stop', path }),
    stop: async () => {
      const exited = waitForExit(child);
      send({ type: 'stop' });
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    },
    kill: async () => {
      const exited = waitForExit(child);
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** CPU time (user + system) the server spent between two stats samples, in microseconds. */
export function cpuBetween(before: ServerStats, after: ServerStats): number {
  return after.cpuUserUs + after.cpuSystemUs - (before.cpuUserUs + before.cpuSystemUs);
}
