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
 * `rateRefusals`), CLIENT_ID_TAKEN (its random id may collide; it picks another) and
 * TOO_MANY_DOCUMENTS (a client that does not know a lowered limit opens up to the default on one
 * connection and moves the refused documents to another, the refusal carrying the limit; counting
 * those would close the connection under the documents it was admitted with). Each refused open
 * has still spent a join, so opening in a loop runs into RATE_LIMITED, which is counted.
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
  ErrorCodes.STATE_VECTOR_TOO_LARGE,
]);

export function isClientFault(code: ErrorCode): boolean {
  return clientFaults.has(code);
}

export class ConnectionBudget {
  /**
   * Created on first use: a bucket starts full, which is what an unused one would hold by then, so
   * an idle connection (most of them) carries two or three buckets instead of eight.
   */
  private readonly buckets: Partial<Record<keyof RateLimits, TokenBucket>> = {};
  private openDocuments = 0;
  private assemblingBytes = 0;
  /** Set once the connection has been closed for abuse: everything else it sends is ignored. */
  closed = false;

  constructor(
    private readonly limits: ConnectionLimits,
    private readonly clock: Clock = monotonicMs,
  ) {}

  private bucket(kind: keyof RateLimits): TokenBucket {
    let bucket = this.buckets[kind];
    if (bucket === undefined) {
      bucket = new TokenBucket(this.limits.rates[kind], this.clock);
      this.buckets[kind] = bucket;
    }
    return bucket;
  }

  /** Spends from a rate limit; false means RATE_LIMITED. */
  allow(kind: MessageKind, amount = 1): boolean {
    return this.bucket(kind).take(amount);
  }

  /**
   * An update of `bytes`: spends one message and its bytes, or nothing when either is exhausted.
   * A catch-up (the step 2 after a sync request) spends from the catch-up bytes instead.
   */
  allowUpdate(bytes: number, catchUp = false): boolean {
    const bytesBucket = this.bucket(catchUp ? 'catchUpBytes' : 'updateBytes');
    if (bytesBucket.available < bytes) return false;
    if (!this.bucket('updates').take()) return false;
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
    if (code === ErrorCodes.RATE_LIMITED) return !this.bucket('rateRefusals').take();
    if (!isClientFault(code)) return false;
    return !this.bucket('violations').take();
  }
}
