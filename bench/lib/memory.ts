/** Server memory as the workloads report it: JS heap plus external (buffers) after a forced GC. */
import type { ServerStats } from '../servers/ipc.js';

/** Bytes the server's JavaScript holds: heap in use plus off-heap buffers it owns. */
export function jsMemory(stats: ServerStats): number {
  return stats.heapUsed + stats.external;
}

export const KiB = 1024;
export const MiB = 1024 * 1024;
