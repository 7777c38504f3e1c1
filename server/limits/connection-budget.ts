/**
 * What one connection (one engine.io connection: all of one client's documents) may still spend.
 * Limits are per connection, not per document: a client cannot multiply its allowance by opening
 * more documents. Other connections have budgets of their own, so one abusive client slows down
 * nobody else.
 */
import { type ErrorCode, ErrorCodes } from '../../shared/errors.js';
import { type Clock, TokenBucket, monotonicMs } from './token-bucket.js';
import type { ConnectionLimits, RateLimits } from './types.js';

export type MessageKind = Exclude<keyof RateLimits, 'violations' | 'rateRefusals'>;

/**
 * Refusals caused by what the client sent. Server-side failures (LOAD_FAILED, STORE_FAILED,
 * INTERNAL, SHUTTING_DOWN, SERVER_BUSY) are not held against the client, nor are refusals an
 * honest client cannot avoid: RATE_LIMITED (it cannot see its budget; counted apart, see
 * `rateRefusals`) and CLIENT_ID_TAKEN (its random id may collide; it picks another).
 */
const clientFaults: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  ErrorCodes.PROTOCOL_MISMATCH,
  ErrorCodes.BAD_DOC_NAME,
  ErrorCodes.BAD_PAYLOAD,
  ErrorCodes.MALFORMED_UPDATE,
  ErrorCodes.UPDATE_TOO_LARGE,
  ErrorCodes.AWARENESS_TOO_LARGE,
  ErrorCodes.AWARENESS_NOT_OWNED,
  ErrorCodes.AUTH_FAILED,
  ErrorCodes.TOKEN_EXPIRED,
  ErrorCodes.PERMISSION_DENIED,
  ErrorCodes.READ_ONLY,
  ErrorCodes.TOO_MANY_DOCUMENTS,
  ErrorCodes.STATE_VECTOR_TOO_LARGE,
]);

export function isClientFault(code: ErrorCode): boolean {
  return clientFaults.has(code);
}

export class ConnectionBudget {
  private readonly buckets: Record<keyof RateLimits, TokenBucket>;
  private openDocuments = 0;
  private assemblingBytes = 0;
  /** Set once the connection has been closed for abuse: everything else it sends is ignored. */
  closed = false;

  constructor(
    private readonly limits: ConnectionLimits,
    clock: Clock = monotonicMs,
  ) {
    const { rates } = limits;
    this.buckets = {
      updates: new TokenBucket(rates.updates, clock),
      updateBytes: new TokenBucket(rates.updateBytes, clock),
      catchUpBytes: new TokenBucket(rates.catchUpBytes, clock),
      awareness: new TokenBucket(rates.awareness, clock),
      joins: new TokenBucket(rates.joins, clock),
      syncs: new TokenBucket(rates.syncs, clock),
      violations: new TokenBucket(rates.violations, clock),
      rateRefusals: new TokenBucket(rates.rateRefusals, clock),
    };
  }

  /** Spends from a rate limit; false means RATE_LIMITED. */
  allow(kind: MessageKind, amount = 1): boolean {
    return this.buckets[kind].take(amount);
  }

  /**
   * An update of `bytes`: spends one message and its bytes, or nothing when either is exhausted.
   * A catch-up (the step 2 after a sync request) spends from the catch-up bytes instead.
   */
  allowUpdate(bytes: number, catchUp = false): boolean {
    const bytesBucket = catchUp ? this.buckets.catchUpBytes : this.buckets.updateBytes;
    if (bytesBucket.available < bytes) return false;
    if (!this.buckets.updates.take()) return false;
    return bytesBucket.take(bytes);
  }

  /** Reserves a document slot; false means TOO_MANY_DOCUMENTS. Give it back with `releaseDocument`. */
  reserveDocument(): boolean {
    if (this.openDocuments >= this.limits.maxDocumentsPerConnection) return false;
    this.openDocuments++;
    return true;
  }

  releaseDocument(): void {
    if (this.openDocuments > 0) this.openDocuments--;
  }

  /**
   * Reserves room for an update arriving in parts. All of a connection's half-assembled updates
   * share one allowance, so opening more documents does not multiply the memory it can hold.
   */
  reserveAssembly(bytes: number): boolean {
    if (this.assemblingBytes + bytes > this.limits.maxAssembledUpdateBytes) return false;
    this.assemblingBytes += bytes;
    return true;
  }

  releaseAssembly(bytes: number): void {
    this.assemblingBytes = Math.max(0, this.assemblingBytes - bytes);
  }

  get documentsOpen(): number {
    return this.openDocuments;
  }

  /** Records a refusal; returns true when the connection has now used up its tolerance. */
  violation(code: ErrorCode): boolean {
    if (code === ErrorCodes.RATE_LIMITED) return !this.buckets.rateRefusals.take();
    if (!isClientFault(code)) return false;
    return !this.buckets.violations.take();
  }
}
