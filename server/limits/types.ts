import type { RateLimit } from './token-bucket.js';

/** Per-connection rate limits. A connection is one engine.io connection: all of a client's documents. */
export interface RateLimits {
  /** Update messages (`update` events). */
  updates: RateLimit;
  /** Bytes of update messages. `burst` is raised to at least `maxUpdateBytes`. */
  updateBytes: RateLimit;
  /**
   * Bytes of catch-up messages: the one step 2 a client sends after each sync request, carrying
   * what it edited while offline. Counted apart from `updateBytes` so that an honest reconnect with
   * many documents of offline edits goes through at once. `burst` is raised to at least
   * `maxUpdateBytes`.
   */
  catchUpBytes: RateLimit;
  /** Awareness messages. */
  awareness: RateLimit;
  /** Documents opened (namespace joins, whether admitted or refused). */
  joins: RateLimit;
  /** Sync requests (`sync-step-1`). */
  syncs: RateLimit;
  /**
   * Refused messages tolerated (bad payloads, malformed updates, unauthorized requests…). When
   * this runs out, the whole connection is closed with POLICY_VIOLATION.
   */
  violations: RateLimit;
  /**
   * Messages refused with RATE_LIMITED tolerated. An honest client cannot know the server's
   * budget and is refused now and then, so these are not violations; a client that keeps sending
   * far over its limits is closed with POLICY_VIOLATION when this runs out.
   */
  rateRefusals: RateLimit;
}

/** Every limit, resolved from the options and the defaults. */
export interface ConnectionLimits {
  /** Largest update frame (or part of one) in one message. */
  maxUpdateBytes: number;
  /** Largest update frame assembled from parts; also what one connection may hold half-assembled. */
  maxAssembledUpdateBytes: number;
  /** Part size the server tells clients to use: fits maxUpdateBytes and the message limit on every transport. */
  partBytes: number;
  maxAwarenessBytes: number;
  maxDocumentsPerConnection: number;
  /** Bytes that may wait to be written to one connection (SLOW_CONSUMER beyond). */
  maxOutgoingBytes: number;
  rates: RateLimits;
}
