/**
 * Runs test/offline/fixtures/server.ts as a child process, so a test can stop (SIGTERM), crash
 * (SIGKILL) and restart a real server on the same port and data directory.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

const fixture = fileURLToPath(new URL('../fixtures/server.ts', import.meta.url));

export interface ServerProcess {
  readonly port: number;
  readonly url: string;
  /** SIGTERM: the server flushes and closes. */
  stop(): Promise<void>;
  /** SIGKILL: nothing is flushed beyond what was already acknowledged. */
  crash(): Promise<void>;
}

export async function startServerProcess(dataDir: string, port = 0): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', fixture, '--data', dataDir, '--port', String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const listening = await new Promise<number>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => {
      lines.close();
      try {
        resolve((JSON.parse(line) as { port: number }).port);
      } catch (error) {
        reject(error);
      }
    });
    child.once('exit', (code) => reject(new Error(`server process exited (${code}) before listening: ${stderr}`)));
  });
  const stopWith = (signal: NodeJS.Signals) => async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill(signal);
    await exited;
  };
  return {
    port: listening,
    url: `http://127.0.0.1:${listening}`,
    stop: stopWith('SIGTERM'),
    crash: stopWith('SIGKILL'),
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
