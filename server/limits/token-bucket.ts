/**
 * A token bucket: holds up to `burst` tokens and refills at `perSecond`. Taking fails, without
 * taking anything, when too few are left. Time comes from a monotonic clock so that wall-clock
 * jumps neither refill nor drain a bucket.
 */
export interface RateLimit {
  /** Sustained rate. */
  perSecond: number;
  /** What may be spent at once after a quiet period. */
  burst: number;
}

export type Clock = () => number;

export const monotonicMs: Clock = () => performance.now();

export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly limit: RateLimit,
    private readonly clock: Clock = monotonicMs,
  ) {
    this.tokens = limit.burst;
    this.updatedAt = clock();
  }

  /** Takes `amount` tokens if there are that many; returns whether it did. */
  take(amount = 1): boolean {
    this.refill();
    if (this.tokens < amount) return false;
    this.tokens -= amount;
    return true;
  }

  /** Tokens available now. */
  get available(): number {
    this.refill();
    return this.tokens;
  }

  private refill(): void {
    const now = this.clock();
    const elapsed = now - this.updatedAt;
    this.updatedAt = now;
    if (elapsed > 0) this.tokens = Math.min(this.limit.burst, this.tokens + (elapsed / 1000) * this.limit.perSecond);
  }
}
