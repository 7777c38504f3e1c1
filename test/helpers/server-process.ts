import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const fixture = fileURLToPath(new URL('./processes/leveldb-server.ts', import.meta.url));

export interface ServerProcess {
  url: string;
  port: number;
  child: ChildProcess;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export interface ServerProcessOptions {
  dataDir: string;
  port?: number;
  /** Environment for the fixture (e.g. compaction thresholds). */
  env?: Record<string, string>;
}

/** A quire server on LevelDB in a real child process, so a test can SIGKILL it. */
export async function startServerProcess(options: ServerProcessOptions): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', fixture, options.dataDir, String(options.port ?? 0)], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...options.env },
  });
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const lines = createInterface({ input: child.stdout! });
  const ready = new Promise<{ url: string; port: number }>((resolve, reject) => {
    lines.once('line', (line) => resolve(JSON.parse(line) as { url: string; port: number }));
    void exited.then((code) => reject(new Error(`server process exited early with ${code}`)));
  });
  const { url, port } = await ready;
  return {
    url,
    port,
    child,
    exited,
    async kill(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
