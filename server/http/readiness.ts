/**
 * Whether this process should receive traffic. Starts in 'starting', becomes 'ready' once the
 * store is open and the server listens, and turns 'stopping' as the very first step of a
 * shutdown, so load balancers stop sending clients here before anything closes. Not ready either
 * while the store refuses writes (a failed write it is recovering from, a data directory that
 * vanished): a client sent elsewhere gets its edits acknowledged there.
 */
import type { StoreHealth } from '../persistence/types.js';

export type Phase = 'starting' | 'ready' | 'stopping';

export interface ReadinessReport {
  ready: boolean;
  phase: Phase;
  /** 'accepting' while the store takes writes; 'closed' once closed; 'unavailable' while it refuses them. */
  store: 'accepting' | 'closed' | 'unavailable';
  /** Why the store refuses writes (a stable code, see docs/OPERATING.md) and a sentence. */
  reason?: string;
  detail?: string;
}

export class Readiness {
  private current: Phase = 'starting';

  /** @param storeHealth whether the store takes writes now, and why not. */
  constructor(private readonly storeHealth: () => StoreHealth = () => ({ accepting: true })) {}

  get phase(): Phase {
    return this.current;
  }

  markReady(): void {
    if (this.current === 'starting') this.current = 'ready';
  }

  markStopping(): void {
    this.current = 'stopping';
  }

  /** What /readyz reports. */
  report(): ReadinessReport {
    const health = this.storeHealth();
    if (health.accepting) return { ready: this.current === 'ready', phase: this.current, store: 'accepting' };
    const store = health.reason === 'closed' ? 'closed' : 'unavailable';
    const report: ReadinessReport = { ready: false, phase: this.current, store };
    if (store === 'unavailable') Object.assign(report, { reason: health.reason, detail: health.detail });
    return report;
  }
}
