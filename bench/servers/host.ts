/**
 * The part every server child shares: start the server on 127.0.0.1:0, tell the driver its port,
 * answer stats requests (CPU, memory, after an optional forced GC) and stop cleanly on request
 * so that `--cpu-prof` profiles get written. Imports no Yjs.
 */
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { ENV_DATA_DIR, type DriverMessage, type ServerMessage, type ServerStats } from './ipc.js';

export interface StartedServer {
  port: number;
  close(): Promise<void>;
  /** Loaded documents and open connections, where the server exposes them. */
  counts(): { docs: number | null; connections: number | null };
}

export interface StartOptions {
  /** Directory for persistence; undefined means run without persistence. */
  dataDir: string | undefined;
}

function send(message: ServerMessage): void {
  process.send?.(message);
}

function collect(server: StartedServer, gc: boolean): ServerStats {
  const collectGarbage = (globalThis as { gc?: () => void }).gc;
  if (gc && collectGarbage !== undefined) {
    // Twice: the first pass can leave finalizable objects that the second frees.
    collectGarbage();
    collectGarbage();
  }
  const cpu = process.cpuUsage();
  const mem = process.memoryUsage();
  return {
    cpuUserUs: cpu.user,
    cpuSystemUs: cpu.system,
    rss: mem.rss,
    heapUsed: mem.heapUsed,
    external: mem.external,
    arrayBuffers: mem.arrayBuffers,
    ...server.counts(),
  };
}

/**
 * The profiler runs over the inspector protocol only between the driver's start and stop, so a
 * profile shows the measured window, not module loading and connection setup.
 */
class Profiler {
  private session: Session | null = null;

  async start(): Promise<void> {
    this.session = new Session();
    this.session.connect();
    await this.session.post('Profiler.enable');
    // 100 µs sampling: fine enough for per-delivery costs of a few microseconds.
    await this.session.post('Profiler.setSamplingInterval', { interval: 100 });
    await this.session.post('Profiler.start');
  }

  async stop(path: string): Promise<void> {
    if (this.session === null) throw new Error('profiler not started');
    const { profile } = await this.session.post('Profiler.stop');
    this.session.disconnect();
    this.session = null;
    await writeFile(path, JSON.stringify(profile));
  }
}

export function hostServer(start: (options: StartOptions) => Promise<StartedServer>): void {
  if (process.send === undefined) throw new Error('run this file through the bench driver (needs an IPC channel)');
  const dataDir = process.env[ENV_DATA_DIR] || undefined;
  start({ dataDir }).then(
    (server) => {
      const profiler = new Profiler();
      process.on('message', (message: DriverMessage) => {
        if (message.type === 'profile') {
          const done = message.action === 'start' ? profiler.start() : profiler.stop(message.path);
          done.then(
            () => send({ type: 'profiled', id: message.id, error: null }),
            (error: unknown) => send({ type: 'profiled', id: message.id, error: String(error) }),
          );
        } else if (message.type === 'stats') {
          send({ type: 'stats', id: message.id, stats: collect(server, message.gc) });
        } else if (message.type === 'stop') {
          void server
            .close()
            .catch(() => undefined)
            .finally(() => process.exit(0));
        }
      });
      // The driver going away (crash, ^C) must not leave a server behind.
      process.on('disconnect', () => process.exit(0));
      process.stdout.write(`listening on 127.0.0.1:${server.port}\n`);
      send({ type: 'ready', port: server.port });
    },
    (error: unknown) => {
      send({ type: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
      process.exit(1);
    },
  );
}
