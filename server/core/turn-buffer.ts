/**
 * Collects values produced during one event-loop turn and hands them over together once the turn's
 * I/O has been processed (setImmediate runs after the poll phase), so that everything that arrived
 * in one read burst is merged and encoded once.
 */
export interface Contribution<T> {
  /** The connection the value came from, or null when it came from the server itself. */
  senderId: string | null;
  value: T;
}

export class TurnBuffer<T> {
  private items: Contribution<T>[] = [];
  private scheduled: { immediate: NodeJS.Immediate } | { timeout: NodeJS.Timeout } | null = null;
  private lastFlush = Number.NEGATIVE_INFINITY;

  /**
   * `minIntervalMs`: hand over at most once per interval. A value after a quiet interval still goes
   * at the end of its turn; while values keep coming, they gather until the interval has passed.
   */
  constructor(
    private readonly flush: (items: Contribution<T>[]) => void,
    private readonly minIntervalMs = 0,
  ) {}

  push(senderId: string | null, value: T): void {
    this.items.push({ senderId, value });
    if (this.scheduled !== null) return;
    const wait = this.lastFlush + this.minIntervalMs - performance.now();
    this.scheduled = wait > 0 ? { timeout: setTimeout(() => this.drain(), wait) } : { immediate: setImmediate(() => this.drain()) };
  }

  /** Hands over what is buffered now instead of at the end of the turn. */
  drain(): void {
    this.cancel();
    const items = this.items;
    this.items = [];
    if (items.length === 0) return;
    this.lastFlush = performance.now();
    this.flush(items);
  }

  discard(): void {
    this.cancel();
    this.items = [];
  }

  private cancel(): void {
    if (this.scheduled !== null && 'immediate' in this.scheduled) clearImmediate(this.scheduled.immediate);
    if (this.scheduled !== null && 'timeout' in this.scheduled) clearTimeout(this.scheduled.timeout);
    this.scheduled = null;
  }
}
