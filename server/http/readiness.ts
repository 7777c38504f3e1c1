/**
 * Whether this process should receive traffic. Starts in 'starting', becomes 'ready' once the
 * store is open and the server listens, and turns 'stopping' as the very first step of a
 * shutdown, so load balancers stop sending clients here before anything closes.
 */
export type Phase = 'starting' | 'ready' | 'stopping';

export class Readiness {
  private current: Phase = 'starting';

  /**
   * @param storeAccepting whether the store still takes writes (false once it closes).
   * @param storeCanCommit whether writes currently succeed (a shared store this node cannot reach
   *   answers false: its clients are better served by another node).
   */
  constructor(
    private readonly storeAccepting: () => boolean = () => true,
    private readonly storeCanCommit: () => boolean = () => true,
  ) {}

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
  report(): { ready: boolean; phase: Phase; store: 'accepting' | 'closed' | 'unavailable' } {
    const store = !this.storeAccepting() ? 'closed' : this.storeCanCommit() ? 'accepting' : 'unavailable';
    return { ready: this.current === 'ready' && store === 'accepting', phase: this.current, store };
  }
}
