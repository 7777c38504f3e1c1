/**
 * A quire server on LevelDB in a real child process (test/helpers/processes/leveldb-server.ts), so
 * a test can SIGKILL it (nothing flushed on the way out) and start it again on the same port and
 * data directory, as an operator's restart would.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('./processes/leveldb-server.ts', import.meta.url));

export interface ServerProcessOptions {
  dataDir: string;
  /** 0 (the default) picks a free port on the first start; restarts reuse the port it got. */
  port?: number;
  /** How long an unused document stays loaded (the server script's default: 60 s). */
  unloadGraceMs?: number;
  /** Accept browser pages from any origin (pages served by another server or a proxy). */
  anyOrigin?: boolean;
  /** Serve this built front-end at `/`, as `npm start` serves the editor. */
  staticDir?: string;
  /** More environment for the server script (rate and size limits, compaction thresholds). */
  env?: Record<string, string>;
}

interface Running {
  child: ChildProcess;
  exited: Promise<unknown>;
}

export class ServerProcess {
  private current: Running | null = null;
  port: number;

  private constructor(private readonly options: ServerProcessOptions) {
    this.port = options.port ?? 0;
  }

  static async start(options: ServerProcessOptions): Promise<ServerProcess> {
    const server = new ServerProcess(options);
    await server.start();
    return server;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.current !== null;
  }

  /** Starts the process again (after `stop`, `crash` or `kill`) on the same port and data directory. */
  async start(): Promise<void> {
    if (this.current !== null) throw new Error('server process already running');
    const { dataDir, unloadGraceMs, anyOrigin, staticDir, env } = this.options;
    const child = spawn(process.execPath, ['--import', 'tsx', script, dataDir, String(this.port)], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: {
        ...process.env,
        ...(unloadGraceMs === undefined ? {} : { QUIRE_UNLOAD_GRACE_MS: String(unloadGraceMs) }),
        ...(anyOrigin ? { QUIRE_ANY_ORIGIN: '1' } : {}),
        ...(staticDir === undefined ? {} : { QUIRE_STATIC_DIR: staticDir }),
        ...env,
      },
    });
    const running: Running = { child, exited: once(child, 'exit') };
    void running.exited.then(() => {
      if (this.current === running) this.current = null;
    });
    const { port } = await new Promise<{ port: number }>((resolve, reject) => {
      createInterface({ input: child.stdout! }).once('line', (line) => resolve(JSON.parse(line) as { port: number }));
      void running.exited.then(() => reject(new Error(`server process exited early with ${child.exitCode ?? child.signalCode}`)));
    });
    this.port = port;
    this.current = running;
  }

  /** Sends `signal` (SIGKILL: a crash or an OOM kill) and resolves once the process has exited. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const running = this.current;
    if (running === null) return;
    if (running.child.exitCode === null && running.child.signalCode === null) running.child.kill(signal);
    await running.exited;
    this.current = null;
  }

  /** SIGTERM by default: the server flushes and closes. */
  stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    return this.kill(signal);
  }

  /** SIGKILL: nothing is flushed beyond what was already acknowledged. */
  crash(): Promise<void> {
    return this.kill('SIGKILL');
  }
}

export function startServerProcess(options: ServerProcessOptions): Promise<ServerProcess> {
  return ServerProcess.start(options);
}

/** Starts servers with shared options and remembers them, so afterEach can crash whatever a failed test left running. */
export class ServerProcesses {
  private readonly started = new Set<ServerProcess>();

  constructor(private readonly defaults: Omit<ServerProcessOptions, 'dataDir' | 'port'> = {}) {}

  async start(dataDir: string, port = 0): Promise<ServerProcess> {
    const server = await ServerProcess.start({ ...this.defaults, dataDir, port });
    this.started.add(server);
    return server;
  }

  async crashAll(): Promise<void> {
    await Promise.all([...this.started].map((server) => server.crash()));
    this.started.clear();
  }
}
