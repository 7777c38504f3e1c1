/**
 * Presence: one document, N clients, every one of them moving its cursor H times a second
 * (`awareness.setLocalStateField('cursor', …)`, spread evenly over time), for `seconds`, `runs`
 * times. A fresh server per load, no persistence. Measured in the server process: CPU over wall
 * time (share of a core) and CPU per cursor move and receiver. A run ends once every client sees
 * every other client's last cursor, so a server that falls behind is charged for catching up.
 */
import type { BenchClient } from '../adapters/types.js';
import { connectMany, destroyAll } from '../lib/clients.js';
import { withServer } from '../lib/lifecycle.js';
import { cpuBetween, type ServerProcess } from '../lib/server-process.js';
import { median } from '../lib/stats.js';
import type { MeasureHooks } from './fanout.js';
import { TimeoutError, sleep, waitFor } from '../lib/wait.js';
import type { Figure, PeerResult, Workload, WorkloadContext } from './types.js';

const CONVERGE_TIMEOUT_MS = 60_000;
const WARMUP_SECONDS = 1;

export interface PresenceLoad {
  clients: number;
  hz: number;
}

interface PresenceRun {
  serverBusy: number;
  cpuUsPerDelivery: number;
  driverBusy: number;
  /** Send start to every client holding every last cursor. */
  wallMs: number;
  moves: number;
  /** Every client saw every last cursor within the timeout. */
  converged: boolean;
}

class Cursors {
  private seq = 0;
  /** The last cursor position each client published. */
  readonly last: number[];
  constructor(private readonly clients: readonly BenchClient[]) {
    this.last = clients.map(() => -1);
  }

  /** `count` cursor moves, round robin over the clients, spread evenly at `rate` per second. */
  async paced(rate: number, count: number): Promise<void> {
    const start = performance.now();
    let sent = 0;
    while (sent < count) {
      const due = Math.min(count, Math.floor(((performance.now() - start) * rate) / 1000) + 1);
      for (; sent < due; sent++) {
        const index = this.seq % this.clients.length;
        this.clients[index]!.awareness.setLocalStateField('cursor', { anchor: this.seq, head: this.seq });
        this.last[index] = this.seq++;
      }
      await sleep(1);
    }
  }

  /** Whether every client sees every other client's last cursor. */
  converged(): boolean {
    for (const observer of this.clients) {
      const states = observer.awareness.getStates();
      for (let i = 0; i < this.clients.length; i++) {
        const client = this.clients[i]!;
        if (client === observer || this.last[i] === -1) continue;
        const cursor = (states.get(client.awareness.clientID) as { cursor?: { anchor: number } } | undefined)?.cursor;
        if (cursor?.anchor !== this.last[i]) return false;
      }
    }
    return true;
  }
}

export async function measurePresence(
  context: WorkloadContext,
  server: ServerProcess,
  load: PresenceLoad,
  hooks: MeasureHooks = {},
): Promise<PresenceRun[]> {
  const { options, adapter } = context;
  const { clients } = await connectMany(adapter, server.url, {
    count: load.clients,
    docName: () => `presence-${load.clients}`,
    concurrency: 20,
    // Hundreds of joins on a busy machine: every client's presence reaches every other one.
    timeoutMs: 120_000,
  });
  try {
    const cursors = new Cursors(clients);
    const rate = load.clients * load.hz;
    /** False when the clients did not catch up in time: the run is still measured, and says so. */
    const converge = async (): Promise<boolean> => {
      try {
        await waitFor(() => cursors.converged(), {
          timeoutMs: CONVERGE_TIMEOUT_MS,
          intervalMs: 20,
          what: 'every client to see every cursor',
        });
        return true;
      } catch (error) {
        if (error instanceof TimeoutError) return false;
        throw error;
      }
    };
    await cursors.paced(rate, rate * WARMUP_SECONDS);
    await converge();
    await hooks.beforeTraffic?.();
    const runs: PresenceRun[] = [];
    for (let run = 0; run < options.runs; run++) {
      const moves = rate * options.seconds;
      const driverBefore = process.cpuUsage();
      const before = await server.stats();
      const t0 = performance.now();
      await cursors.paced(rate, moves);
      const converged = await converge();
      const wallMs = performance.now() - t0;
      const cpuUs = cpuBetween(before, await server.stats());
      const driverCpu = process.cpuUsage(driverBefore);
      runs.push({
        serverBusy: cpuUs / 1000 / wallMs,
        cpuUsPerDelivery: cpuUs / (moves * (load.clients - 1)),
        driverBusy: (driverCpu.user + driverCpu.system) / 1000 / wallMs,
        wallMs,
        moves,
        converged,
      });
      context.log(
        `  presence ${load.clients}×${load.hz} Hz, run ${run + 1}: server ${(100 * runs.at(-1)!.serverBusy).toFixed(1)} % of a core, ${wallMs.toFixed(0)} ms`,
      );
    }
    await hooks.afterTraffic?.();
    return runs;
  } finally {
    destroyAll(clients);
  }
}

const tag = (load: PresenceLoad): string => `${load.clients}x${load.hz}`;

export const presence: Workload = {
  name: 'presence',
  title: 'Presence: 1 document, every client moving its cursor, no persistence',
  figures: (options) =>
    options.presenceLoads.flatMap((load): Figure[] => [
      {
        key: `busy@${tag(load)}`,
        label: `server CPU, ${load.clients} clients × ${load.hz} Hz`,
        unit: '%',
        better: 'lower',
        runs: options.runs,
      },
      {
        key: `cpu@${tag(load)}`,
        label: `server CPU per cursor move and receiver, ${load.clients} clients × ${load.hz} Hz`,
        unit: 'µs',
        better: 'lower',
        runs: options.runs,
      },
    ]),
  async run(context) {
    const result: PeerResult = { values: {}, notes: [], details: {} };
    for (const load of context.options.presenceLoads) {
      const runs = await withServer(context.peer, {}, (server) => measurePresence(context, server, load));
      result.values[`busy@${tag(load)}`] = 100 * median(runs.map((r) => r.serverBusy));
      result.values[`cpu@${tag(load)}`] = median(runs.map((r) => r.cpuUsPerDelivery));
      result.details![tag(load)] = runs;
      const stretch = median(runs.map((r) => r.wallMs)) / (context.options.seconds * 1000);
      const driverBusy = median(runs.map((r) => r.driverBusy));
      result.notes.push(
        `${load.clients} × ${load.hz} Hz: the driver (all clients) used ${(100 * driverBusy).toFixed(0)} % of a core; ` +
          `runs took ${stretch.toFixed(2)}× their send time` +
          (driverBusy > 0.8 || stretch > 1.2 ? ' — client-side bound' : '') +
          (runs.every((r) => r.converged)
            ? ''
            : `; ${runs.filter((r) => !r.converged).length} run(s) stopped after ${CONVERGE_TIMEOUT_MS / 1000} s without every client holding every cursor`),
      );
    }
    return result;
  },
};
