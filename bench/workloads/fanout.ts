/**
 * Fan-out: one document, N clients, W of them writing.
 * - Latency: W writers together send `rate` updates/s for `seconds`; each update is a Y.Map entry whose
 *   value is the send time (performance.now(), same process), so every receiver measures delivery latency
 *   in its observer. Repeated `runs` times; p50/p99 per run, medians reported.
 * - CPU: a saturated burst (every writer sends `burst` updates as fast as it can); server CPU time from
 *   before the burst until every receiver has every update, divided by the deliveries (updates × (N−1)).
 * A fresh server per client count. No persistence.
 */
import type { BenchClient } from '../adapters/types.js';
import { connectMany, destroyAll } from '../lib/clients.js';
import { withServer } from '../lib/lifecycle.js';
import { cpuBetween, type ServerProcess } from '../lib/server-process.js';
import { median, percentile } from '../lib/stats.js';
import { sleep, waitFor, yieldToIo } from '../lib/wait.js';
import type { Figure, PeerResult, Workload, WorkloadContext } from './types.js';

const MAP = 'sent';
const DELIVERY_TIMEOUT_MS = 60_000;
const WARMUP_SECONDS = 1;

interface Receivers {
  delivered: number;
  latencies: number[];
  recording: boolean;
}

function observeDeliveries(clients: readonly BenchClient[]): Receivers {
  const state: Receivers = { delivered: 0, latencies: [], recording: false };
  for (const client of clients) {
    const map = client.doc.getMap<number>(MAP);
    map.observe((event) => {
      if (event.transaction.local) return;
      const now = performance.now();
      for (const key of event.keysChanged) {
        state.delivered++;
        if (state.recording) state.latencies.push(now - map.get(key)!);
      }
    });
  }
  return state;
}

class Writers {
  private seq = 0;
  constructor(private readonly writers: readonly BenchClient[]) {}

  /** One update from the next writer in turn. */
  send(): void {
    const writer = this.writers[this.seq % this.writers.length]!;
    writer.doc.getMap<number>(MAP).set(`${this.seq}`, performance.now());
    this.seq++;
  }

  /** `count` updates spread evenly over time at `rate` per second. */
  async paced(rate: number, count: number): Promise<void> {
    const start = performance.now();
    let sent = 0;
    while (sent < count) {
      const due = Math.min(count, Math.floor(((performance.now() - start) * rate) / 1000) + 1);
      while (sent < due) {
        this.send();
        sent++;
      }
      await sleep(1);
    }
  }

  /**
   * `rounds` updates from every writer, as fast as the client side can produce them: one update per
   * writer per event-loop turn, so that a provider coalescing a turn's updates (quire's client does)
   * still sends each update as its own message and the figure measures the server, not that batching.
   */
  async burst(rounds: number): Promise<void> {
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < this.writers.length; i++) this.send();
      await yieldToIo();
    }
  }
}

interface LatencyRun {
  p50: number;
  p99: number;
  samples: number;
  /** Send start to last delivery; longer than the run's seconds when receivers fell behind. */
  wallMs: number;
  /** CPU used over wall time, in cores: the driver (every client) and the server. */
  driverBusy: number;
  serverBusy: number;
}
interface BurstRun {
  cpuUsPerDelivery: number;
  deliveries: number;
  wallMs: number;
}

export interface MeasureHooks {
  /** Called once every client is connected and synced, before any measured traffic. */
  beforeTraffic?: () => Promise<void>;
  /** Called after the last burst, before the clients leave. */
  afterTraffic?: () => Promise<void>;
}

export async function measureAt(context: WorkloadContext, server: ServerProcess, clientCount: number, hooks: MeasureHooks = {}) {
  const { options, adapter } = context;
  const connected = await connectMany(adapter, server.url, {
    count: clientCount,
    docName: () => `fanout-${clientCount}`,
    concurrency: 20,
    timeoutMs: 30_000,
  });
  const clients = connected.clients;
  try {
    const receivers = observeDeliveries(clients);
    const writers = new Writers(clients.slice(0, Math.min(options.fanoutWriters, clientCount)));
    const receiversPerUpdate = clientCount - 1;
    const sendAndDrain = async (send: () => Promise<void>, updates: number): Promise<void> => {
      const target = receivers.delivered + updates * receiversPerUpdate;
      await send();
      await waitFor(() => receivers.delivered >= target, {
        timeoutMs: DELIVERY_TIMEOUT_MS,
        what: `${updates} updates to reach ${receiversPerUpdate} receivers`,
      });
    };

    await hooks.beforeTraffic?.();
    const warmup = options.rate * WARMUP_SECONDS;
    await sendAndDrain(() => writers.paced(options.rate, warmup), warmup);

    const latency: LatencyRun[] = [];
    for (let run = 0; run < options.runs; run++) {
      const count = options.rate * options.seconds;
      receivers.latencies = [];
      receivers.recording = true;
      const driverBefore = process.cpuUsage();
      const serverBefore = await server.stats();
      const t0 = performance.now();
      await sendAndDrain(() => writers.paced(options.rate, count), count);
      const wallMs = performance.now() - t0;
      const driverCpu = process.cpuUsage(driverBefore);
      const serverCpuUs = cpuBetween(serverBefore, await server.stats());
      receivers.recording = false;
      const samples = receivers.latencies;
      latency.push({
        p50: percentile(samples, 50),
        p99: percentile(samples, 99),
        samples: samples.length,
        wallMs,
        driverBusy: (driverCpu.user + driverCpu.system) / 1000 / wallMs,
        serverBusy: serverCpuUs / 1000 / wallMs,
      });
      context.log(
        `  ${clientCount} clients, run ${run + 1}: p50 ${latency.at(-1)!.p50.toFixed(2)} ms, p99 ${latency.at(-1)!.p99.toFixed(2)} ms`,
      );
    }

    const bursts: BurstRun[] = [];
    for (let run = 0; run < options.runs; run++) {
      await sleep(200);
      const updates = options.burst * Math.min(options.fanoutWriters, clientCount);
      const before = await server.stats();
      const t0 = performance.now();
      await sendAndDrain(() => writers.burst(options.burst), updates);
      const wallMs = performance.now() - t0;
      const after = await server.stats();
      const deliveries = updates * receiversPerUpdate;
      bursts.push({ cpuUsPerDelivery: cpuBetween(before, after) / deliveries, deliveries, wallMs });
      context.log(
        `  ${clientCount} clients, burst ${run + 1}: ${bursts.at(-1)!.cpuUsPerDelivery.toFixed(2)} µs/delivery, ${wallMs.toFixed(0)} ms`,
      );
    }
    await hooks.afterTraffic?.();
    return { connectMs: connected.totalMs, latency, bursts };
  } finally {
    destroyAll(clients);
  }
}

export const fanout: Workload = {
  name: 'fanout',
  title: 'Fan-out: 1 document, N clients, some of them writing, no persistence',
  figures: (options) =>
    options.fanoutClients.flatMap((n): Figure[] => [
      {
        key: `p50@${n}`,
        label: `latency p50, ${n} clients (${Math.min(n, options.fanoutWriters)} writing ${options.rate}/s)`,
        unit: 'ms',
        better: 'lower',
        runs: options.runs,
      },
      {
        key: `p99@${n}`,
        label: `latency p99, ${n} clients (${Math.min(n, options.fanoutWriters)} writing ${options.rate}/s)`,
        unit: 'ms',
        better: 'lower',
        runs: options.runs,
      },
      { key: `cpu@${n}`, label: `server CPU per delivered update, ${n} clients (burst)`, unit: 'µs', better: 'lower', runs: options.runs },
      { key: `burst@${n}`, label: `burst delivery throughput, ${n} clients`, unit: 'k/s', better: 'higher', runs: options.runs },
    ]),
  async run(context) {
    const result: PeerResult = { values: {}, notes: [], details: {} };
    for (const n of context.options.fanoutClients) {
      const measured = await withServer(context.peer, {}, (server) => measureAt(context, server, n));
      result.values[`p50@${n}`] = median(measured.latency.map((r) => r.p50));
      result.values[`p99@${n}`] = median(measured.latency.map((r) => r.p99));
      result.values[`cpu@${n}`] = median(measured.bursts.map((r) => r.cpuUsPerDelivery));
      result.values[`burst@${n}`] = median(measured.bursts.map((r) => r.deliveries / r.wallMs));
      result.details![`${n}`] = measured;
      const driverBusy = median(measured.latency.map((r) => r.driverBusy));
      const serverBusy = median(measured.latency.map((r) => r.serverBusy));
      const stretch = median(measured.latency.map((r) => r.wallMs)) / (context.options.seconds * 1000);
      // One process plays every client: when it is saturated, latency measures the client side.
      result.notes.push(
        `${n} clients: during latency runs the driver (all clients) used ${(100 * driverBusy).toFixed(0)} % of a core, ` +
          `the server ${(100 * serverBusy).toFixed(0)} %; runs took ${stretch.toFixed(2)}× their send time` +
          (driverBusy > 0.8 || stretch > 1.2 ? ' — client-side bound' : ''),
      );
    }
    return result;
  },
};
