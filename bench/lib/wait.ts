/** Waiting helpers: conditions with deadlines instead of fixed sleeps. */

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Lets pending I/O callbacks run (socket reads and writes) between chunks of synchronous work. */
export const yieldToIo = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class TimeoutError extends Error {}

/** Polls `condition` every `intervalMs` until true; throws TimeoutError after `timeoutMs`. */
export async function waitFor(
  condition: () => boolean,
  { timeoutMs, intervalMs = 10, what }: { timeoutMs: number; intervalMs?: number; what: string },
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new TimeoutError(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

/** Rejects with TimeoutError when `promise` does not settle within `timeoutMs`. */
export async function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
