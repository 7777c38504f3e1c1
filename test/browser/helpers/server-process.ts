/**
 * A real quire server in a child process, serving the built editor and storing documents on
 * disk, so a test can kill it (SIGKILL: nothing flushed on the way out) and start it again on
 * the same port and data directory, as an operator's restart would.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const FIXTURE = fileURLToPath(new URL('../fixtures/serve-editor.ts', import.meta.url));
const READY_LINE = /^QUIRE_LISTENING (\d+)$/m;

export interface ServerProcessOptions {
  dataDir: string;
  staticDir: string;
  /** 0 picks a free port on the first start; restarts reuse the port it got. */
  port?: number;
}

export class ServerProcess {
  private child: ChildProcess | null = null;
  private output = '';
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
    const args = ['--import', 'tsx', FIXTURE, '--port', String(this.port), '--data', this.options.dataDir, '--static', this.options.staticDir];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env } });
    this.child = child;
    this.output = '';
    child.stdout?.setEncoding('utf8');
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => (this.output += chunk));
    const ready = new Promise<number>((resolve, reject) => {
      let stdout = '';
      child.stdout?.on('data', (chunk: string) => {
        stdout += chunk;
        this.output += chunk;
        const match = READY_LINE.exec(stdout);
        if (match) resolve(Number(match[1]));
      });
      child.once('exit', (code, signal) =>
        reject(new Error(`quire server exited before listening (${signal ?? code}):\n${this.output}`)),
      );
    });
    child.once('exit', () => {
      if (this.child === child) this.child = null;
    });
    this.port = await withTimeout(ready, 20_000, () => `quire server did not start:\n${this.output}`);
  }

  /** Stops the process: SIGKILL by default, like a crash or an OOM kill. */
  async stop(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child;
    if (child === null) return;
    const exited = once(child, 'exit');
    child.kill(signal);
    await exited;
    this.child = null;
  }

  async restart(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    await this.stop(signal);
    await this.start();
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number, message: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message())), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
