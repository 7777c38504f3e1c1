/**
 * Messages between the bench driver and a server child process (Node IPC channel).
 * Kept free of any Yjs import: the children load their own Yjs build and must not get a second.
 */

export interface ServerStats {
  /** process.cpuUsage() of the server process, microseconds since it started. */
  cpuUserUs: number;
  cpuSystemUs: number;
  rss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  /** Documents the server holds in memory, when the server can tell. */
  docs: number | null;
  /** Open client connections, when the server can tell. */
  connections: number | null;
}

export type DriverMessage =
  | { type: 'stats'; id: number; gc: boolean }
  /** Start the V8 CPU profiler, or stop it and write the profile to `path`. */
  | { type: 'profile'; id: number; action: 'start' }
  | { type: 'profile'; id: number; action: 'stop'; path: string }
  | { type: 'stop' };

export type ServerMessage =
  | { type: 'ready'; port: number }
  | { type: 'stats'; id: number; stats: ServerStats }
  | { type: 'profiled'; id: number; error: string | null }
  | { type: 'failed'; message: string };

/** Environment the driver hands each child. */
export const ENV_DATA_DIR = 'BENCH_DATA_DIR';
