/**
 * Obtains the token for each namespace handshake. A token function that throws, rejects or returns
 * something other than a string is called again with backoff until it delivers: the usual cause is
 * a network blip while coming back online, which must not stop the provider for good. Only the
 * newest handshake waiting for a token gets it, so a connection that dropped and reopened while the
 * function was failing sends one CONNECT, not two.
 */
import createDebug from 'debug';
import type { TokenSource } from './provider-types.js';

const debug = createDebug('quire:client:token');

export interface TokenRetryOptions {
  /** First pause after a failure, in ms; doubles up to `maxDelayMs`. */
  minDelayMs: number;
  maxDelayMs: number;
  /** A call that has not settled after this long counts as failed (a request hung by a flaky network). */
  timeoutMs: number;
  /** Told about each failure and how long until the next call. */
  onError: (error: Error, retryInMs: number) => void;
}

type Send = (token: string | undefined) => void;

export class TokenRetry {
  private waiting: Send | null = null;
  private fetching = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private wake: (() => void) | null = null;
  private stopped = false;

  constructor(
    private readonly source: TokenSource | undefined,
    private readonly options: TokenRetryOptions,
  ) {}

  /** A handshake wants a token: `send` is called once with it (replacing any earlier waiting handshake). */
  request(send: Send): void {
    this.stopped = false;
    const { source } = this;
    if (typeof source !== 'function') {
      send(source);
      return;
    }
    this.waiting = send;
    if (!this.fetching) void this.fetch(source);
  }

  /** No handshake wants a token any more (disconnect, destroy): drop the waiting one and stop retrying. */
  cancel(): void {
    this.stopped = true;
    this.waiting = null;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.wake?.();
  }

  private async fetch(source: () => string | Promise<string>): Promise<void> {
    this.fetching = true;
    let delay = this.options.minDelayMs;
    try {
      for (;;) {
        let token: unknown;
        let failure: Error | null = null;
        try {
          token = await this.settleWithin(source);
          if (typeof token !== 'string') failure = new TypeError(`the token function returned ${typeof token}, not a string`);
        } catch (error) {
          failure = error instanceof Error ? error : new Error(String(error));
        }
        if (this.stopped) return;
        if (failure === null) {
          const send = this.waiting;
          this.waiting = null;
          send?.(token as string);
          return;
        }
        debug('the token function failed; calling it again in %d ms: %O', delay, failure);
        this.options.onError(failure, delay);
        await this.pause(delay);
        if (this.stopped) return;
        delay = Math.min(delay * 2, this.options.maxDelayMs);
      }
    } finally {
      this.fetching = false;
    }
  }

  /** Calls the function; a call that neither resolves nor rejects in time is abandoned (its late answer ignored). */
  private settleWithin(source: () => string | Promise<string>): Promise<unknown> {
    const { timeoutMs } = this.options;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the token function did not settle within ${timeoutMs} ms`)), timeoutMs);
    });
    return Promise.race([Promise.resolve().then(source), timeout]).finally(() => clearTimeout(timer));
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
      this.timer = setTimeout(() => {
        this.timer = null;
        this.wake = null;
        resolve();
      }, ms);
    });
  }
}
