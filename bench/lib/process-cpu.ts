/** CPU time a process (any pid on this Linux machine) has used so far, from /proc. */
import { readFile } from 'node:fs/promises';

export async function processCpuMs(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
  // utime and stime, in clock ticks (100 per second on Linux).
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

/** CPU milliseconds all these processes used while `run` ran. */
export async function cpuDuring<T>(pids: readonly number[], run: () => Promise<T>): Promise<{ result: T; cpuMs: number }> {
  const before = await Promise.all(pids.map(processCpuMs));
  const result = await run();
  const after = await Promise.all(pids.map(processCpuMs));
  return { result, cpuMs: after.reduce((sum, ms, i) => sum + ms - before[i]!, 0) };
}
