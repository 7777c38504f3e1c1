/** Starts the hostile suite's server process and talks to it over IPC. */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { QuireServerOptions } from '../../../server/options.js';
import { testSecret } from '../tokens.js';
import type { DocumentState } from '../processes/hostile-server.js';

const fixture = fileURLToPath(new URL('../processes/hostile-server.ts', import.meta.url));

export interface ServerStats {
  loadedDocuments: number;
  documentNamespaces: number;
  engineConnections: number;
}

export interface ChildServer {
  url: string;
  child: ChildProcess;
  /** What the process wrote to stderr (a crash's stack trace). */
  stderr(): string;
  /** Whether the process has exited (crashed, unless `close` was asked for). */
  exited(): boolean;
  /** JS heap plus ArrayBuffer memory after forced GC, in bytes. */
  memoryUsed(): Promise<number>;
  stats(): Promise<ServerStats>;
  state(name: string): Promise<DocumentState>;
  /** Closes the server gracefully; resolves with the exit code. */
  close(): Promise<number | null>;
  kill(): Promise<void>;
}

export async function startChildServer(dataDir: string, options: QuireServerOptions): Promise<ChildServer> {
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', fixture, dataDir], {
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    env: { ...process.env, QUIRE_TEST_OPTIONS: JSON.stringify(options), QUIRE_TEST_JWT_SECRET: testSecret },
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = once(child, 'exit').then(([code]) => code as number | null);
  let nextId = 1;
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  child.on('message', (message: { id?: number; ok?: boolean; result?: unknown; error?: string }) => {
    const waiter = message.id === undefined ? undefined : pending.get(message.id);
    if (waiter === undefined) return;
    pending.delete(message.id!);
    if (message.ok) waiter.resolve(message.result);
    else waiter.reject(new Error(message.error));
  });
  void exit.then((code) => {
    for (const waiter of pending.values()) waiter.reject(new Error(`server process exited (${code}): ${stderr}`));
    pending.clear();
  });
  const request = <T>(message: object): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (child.exitCode !== null || child.signalCode !== null) return reject(new Error(`server process has exited: ${stderr}`));
      const id = nextId++;
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      child.send({ id, ...message });
    });

  const url = await new Promise<string>((resolve, reject) => {
    child.on('message', (message: { type?: string; url?: string }) => {
      if (message.type === 'ready') resolve(message.url!);
    });
    void exit.then((code) => reject(new Error(`server process exited early (${code}): ${stderr}`)));
  });

  return {
    url,
    child,
    stderr: () => stderr,
    exited: () => child.exitCode !== null || child.signalCode !== null,
    memoryUsed: async () => (await request<{ used: number }>({ op: 'memory' })).used,
    stats: () => request<ServerStats>({ op: 'stats' }),
    state: (name) => request<DocumentState>({ op: 'state', name }),
    async close() {
      await request({ op: 'close' });
      return exit;
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exit;
    },
  };
}
