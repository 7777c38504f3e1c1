/**
 * What a sync session does when the server refuses: a passing refusal (rate limit, store failure,
 * shutdown, missing dependencies) pauses sending and sends the same entries again after a pause
 * that doubles up to a maximum, asking for the server's state first when the refused message was
 * a step 2; a permanent one (too large, malformed) is reported once and holds every later entry
 * until the document changes or the connection is renewed. The queue and its acks stay the
 * session's; this decides only when sending may go on.
 */
import createDebug from 'debug';
import { type ErrorCode, ErrorCodes, type ErrorInfo } from '../shared/errors.js';
import type { Timers, UpdateRefusal } from './session-types.js';

const debug = createDebug('quire:client:sync:refusals');

/** Refusals that a later attempt can overcome: the same entries are sent again after a pause. */
const passingRefusals: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  ErrorCodes.RATE_LIMITED,
  ErrorCodes.STORE_FAILED,
  ErrorCodes.SHUTTING_DOWN,
  ErrorCodes.MISSING_DEPENDENCIES,
  ErrorCodes.LOAD_FAILED,
  ErrorCodes.INTERNAL,
  ErrorCodes.SERVER_BUSY,
  ErrorCodes.DOCUMENT_CLOSED,
]);

export function isPassingRefusal(code: ErrorCode): boolean {
  return passingRefusals.has(code);
}

export interface RefusalPolicyOptions {
  /** Pause after a passing refusal, doubling up to the maximum. Defaults 500 and 5,000 ms. */
  retryDelayMin?: number;
  retryDelayMax?: number;
}

/** What the policy asks of its session. */
export interface RefusalPolicyHooks {
  /** The session's connection epoch: a retry scheduled on an older connection is dropped. */
  epoch(): number;
  /** Ask for the server's state again (a refused step 2). */
  resync(): void;
  /** Send what is unsent. */
  resend(): void;
  refused(refusal: UpdateRefusal): void;
}

export class RefusalPolicy {
  /** A passing refusal: nothing is sent until the retry. */
  private paused = false;
  /** A step 2 was refused: the retry asks for the server's state again instead of sending entries. */
  private resyncNeeded = false;
  /** A permanent refusal: nothing is sent until the document changes or the connection is renewed. */
  private refusal: UpdateRefusal | null = null;
  private retryTimer: unknown = null;
  private retryDelay: number;

  constructor(
    private readonly timers: Timers,
    private readonly options: RefusalPolicyOptions,
    private readonly hooks: RefusalPolicyHooks,
  ) {
    this.retryDelay = this.retryDelayMin;
  }

  /** The update refusal in force, if any. */
  get refused(): UpdateRefusal | null {
    return this.refusal;
  }

  /** Whether a refusal holds the entries back (a pause, a pending resync or a permanent refusal). */
  get holding(): boolean {
    return this.paused || this.resyncNeeded || this.refusal !== null;
  }

  get retryScheduled(): boolean {
    return this.retryTimer !== null;
  }

  /** The server took a message: the next pause starts short again. */
  accepted(): void {
    this.retryDelay = this.retryDelayMin;
  }

  /** The server answered a handshake: every refusal is forgotten (its step 2 covers the entries). */
  synced(): void {
    this.accepted();
    this.refusal = null;
    this.resyncNeeded = false;
    this.paused = false;
  }

  /** The connection is gone; a permanent refusal stays until the next handshake. */
  connectionLost(): void {
    this.paused = false;
    this.resyncNeeded = false;
    this.clearRetry();
  }

  /** A permanent refusal: reported once, and later entries wait with the refused one. */
  refuse(refusal: UpdateRefusal): void {
    debug('update refused (%s, %d bytes): kept pending', refusal.code, refusal.bytes);
    this.refusal = refusal;
    this.hooks.refused(refusal);
  }

  /** The server refused a message of `bytes` (a step 2 when `isStep2`). */
  messageRefused(info: ErrorInfo, bytes: number, isStep2: boolean): void {
    if (!isPassingRefusal(info.code)) {
      this.refuse({ code: info.code, message: info.message, bytes });
      return;
    }
    // Not stored (or not readable) yet: send the same entries again after a pause.
    if (isStep2) this.resyncNeeded = true;
    if (this.paused) return;
    this.paused = true;
    this.retry(() => {
      this.paused = false;
      if (this.resyncNeeded) this.hooks.resync();
      else this.hooks.resend();
    });
  }

  /** Runs `action` after the next pause, unless the connection changed meanwhile. */
  retry(action: () => void): void {
    this.clearRetry();
    const epoch = this.hooks.epoch();
    this.retryTimer = this.timers.set(() => {
      this.retryTimer = null;
      if (epoch === this.hooks.epoch()) action();
    }, this.nextDelay());
  }

  /** The next pause, doubling the one after it up to the maximum. */
  nextDelay(): number {
    const delay = this.retryDelay;
    this.retryDelay = Math.min(this.retryDelay * 2, this.options.retryDelayMax ?? 5_000);
    return delay;
  }

  private get retryDelayMin(): number {
    return this.options.retryDelayMin ?? 500;
  }

  private clearRetry(): void {
    if (this.retryTimer !== null) this.timers.clear(this.retryTimer);
    this.retryTimer = null;
  }
}
