/**
 * Which nodes of the cluster are alive, so the presence of a node that died without saying so
 * (kill -9, a machine lost) leaves every other node within seconds instead of y-protocols' 30 s.
 *
 * Each node keeps a heartbeat key in Redis (`<prefix>:node:<id>`) with a short time to live,
 * renewed well within it. A node checks the keys of the peers whose clients' presence it holds; a
 * key missing at two checks in a row means that peer is gone (one check could fall between a
 * Redis restart and the peer's next renewal). While Redis does not answer, nobody is declared
 * dead: that says nothing about the peers. A node that closes deletes its key.
 */
import createDebug from 'debug';
import type { RedisBus } from './redis-bus.js';

const debug = createDebug('quire:cluster:liveness');

export interface NodeLivenessOptions {
  /** How often the heartbeat is renewed and the peers checked. Default 1 s. */
  intervalMs?: number;
  /** The heartbeat's time to live: a node silent this long is gone. Default 3 s. */
  ttlMs?: number;
}

export class NodeLiveness {
  private readonly timer: NodeJS.Timeout;
  private readonly ttlMs: number;
  /** Peers whose heartbeat was missing at the last check. */
  private missing = new Set<string>();
  /** When Redis last took this node's heartbeat (ms, monotonic); null before the first time. */
  private lastRenewed: number | null = null;
  private running = false;
  private closed = false;

  constructor(
    private readonly nodeId: string,
    private readonly bus: RedisBus,
    /** The peers this node holds presence of (only those are checked). */
    private readonly watchedPeers: () => Iterable<string>,
    private readonly onPeerGone: (node: string) => void,
    /**
     * Redis took this node's heartbeat again after longer than its time to live without: the others
     * may have judged this node gone (a silent partition ends with no reconnect to say so).
     */
    private readonly onBackFromSilence: () => void,
    options: NodeLivenessOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 3000;
    this.timer = setInterval(() => void this.tick(), options.intervalMs ?? 1000);
    this.timer.unref();
    // Back on Redis (maybe a restarted one, without keys): renew at once, judge nobody yet.
    bus.onReconnect(() => {
      this.missing.clear();
      void this.renew();
    });
    void this.renew();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.bus.endHeartbeat(this.nodeId);
  }

  private async renew(): Promise<void> {
    if (!(await this.bus.heartbeat(this.nodeId, this.ttlMs)) || this.closed) return;
    const now = performance.now();
    const silentFor = this.lastRenewed === null ? 0 : now - this.lastRenewed;
    this.lastRenewed = now;
    if (silentFor > this.ttlMs) {
      debug('heartbeat taken again after %d ms without', Math.round(silentFor));
      // Nor could this node hear the others meanwhile: a verdict needs two fresh checks.
      this.missing.clear();
      this.onBackFromSilence();
    }
  }

  private async tick(): Promise<void> {
    if (this.running || this.closed) return;
    this.running = true;
    try {
      await this.renew();
      const peers = [...new Set(this.watchedPeers())].filter((node) => node !== this.nodeId);
      const alive = await this.bus.aliveNodes(peers);
      if (alive === null || this.closed) return; // Redis does not answer: no verdict
      const missingNow = new Set(peers.filter((node) => !alive.has(node)));
      for (const node of missingNow) {
        if (!this.missing.has(node)) continue;
        debug('node %s stopped renewing its heartbeat: it is gone', node);
        missingNow.delete(node);
        this.onPeerGone(node);
      }
      this.missing = missingNow;
    } finally {
      this.running = false;
    }
  }
}
