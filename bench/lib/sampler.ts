/** Samples a server's stats at an interval to find its peak RSS during a run. */
import type { ServerProcess } from './server-process.js';

export interface RssSampler {
  stop(): Promise<number>;
}

export function sampleRss(server: ServerProcess, intervalMs = 250): RssSampler {
  let peak = 0;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      try {
        peak = Math.max(peak, (await server.stats()).rss);
      } catch {
        return; // server gone (killed): keep the peak seen so far
      }
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
      return peak;
    },
  };
}
