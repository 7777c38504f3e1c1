import createDebug from 'debug';
import type { StoreHealth } from '../types.js';
import { StoreUnavailableError } from './errors.js';

const log = createDebug('quire:store:leveldb:health');

/**
 * Why the store takes no writes:
 * - 'write-failed': a batch failed (a full disk, an I/O error); the store is reopening the
 *   database and checking it, and accepts writes again once that succeeded;
 * - 'directory-missing' / 'directory-replaced': the data directory was removed, moved or swapped
 *   under the running store; it accepts writes again only if the same directory comes back.
 */
export type FailureReason = 'write-failed' | 'directory-missing' | 'directory-replaced';

interface Failure {
  reason: FailureReason;
  detail: string;
  since: number;
}

/** Whether the store accepts writes, and why not; told to the server through `health()`. */
export class Health {
  private failure: Failure | null = null;
  private closed = false;

  constructor(private readonly onChange: (health: StoreHealth) => void = () => {}) {}

  get accepting(): boolean {
    return this.failure === null && !this.closed;
  }

  get reason(): FailureReason | null {
    return this.failure?.reason ?? null;
  }

  current(): StoreHealth {
    if (this.failure !== null) return { accepting: false, ...this.failure };
    if (this.closed) return { accepting: false, reason: 'closed', detail: 'The store is closed.' };
    return { accepting: true };
  }

  /** Stops acknowledging. A later failure replaces the reason (the newest is the one to act on). */
  fail(reason: FailureReason, detail: string): void {
    const since = this.failure?.since ?? Date.now();
    // Listeners hear of a new reason; a new detail alone (another recovery attempt) is only kept.
    const changed = this.failure?.reason !== reason;
    this.failure = { reason, detail, since };
    if (changed) {
      log('not accepting writes (%s): %s', reason, detail);
      this.onChange(this.current());
    }
  }

  recovered(): void {
    if (this.failure === null) return;
    log('accepting writes again after %d ms (%s)', Date.now() - this.failure.since, this.failure.reason);
    this.failure = null;
    this.onChange(this.current());
  }

  markClosed(): void {
    this.closed = true;
  }

  /** The error a write gets while the store is not accepting; null while it is. */
  unavailableError(): StoreUnavailableError | null {
    if (this.failure !== null) return new StoreUnavailableError(this.failure.detail);
    return null;
  }
}
