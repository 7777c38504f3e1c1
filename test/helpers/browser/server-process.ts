/**
 * A real quire server in a child process (the shared fixture, serving the built editor and storing
 * documents on disk), so a test can kill it (SIGKILL: nothing flushed on the way out) and start it
 * again on the same port and data directory, as an operator's restart would.
 */
import { type ServerProcess as Child, startServerProcess } from '../server-process.js';

export interface ServerProcessOptions {
  dataDir: string;
  staticDir: string;
  /** 0 picks a free port on the first start; restarts reuse the port it got. */
  port?: number;
  /** More environment for the fixture (limits). */
  env?: Record<string, string>;
}

export class ServerProcess {
  private child: Child | null = null;
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
    return this.child !== null;
  }

  async start(): Promise<void> {
    if (this.child !== null) throw new Error('server process already running');
    const child = await startServerProcess({
      dataDir: this.options.dataDir,
      port: this.port,
      env: { ...this.options.env, QUIRE_STATIC_DIR: this.options.staticDir },
    });
    this.child = child;
    this.port = child.port;
    void child.exited.then(() => {
      if (this.child === child) this.child = null;
    });
  }

  /** Stops the process: SIGKILL by default, like a crash or an OOM kill. */
  async stop(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child;
    if (child === null) return;
    await child.kill(signal);
    this.child = null;
  }

  async restart(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    await this.stop(signal);
    await this.start();
  }
}
