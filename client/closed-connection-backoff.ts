/**
 * How long a provider waits before reconnecting after the server closed its connection for how it
 * behaved: SLOW_CONSUMER (it did not read what the server sent) or POLICY_VIOLATION (it kept
 * sending what was refused). Reconnecting at once would most likely end the same way, so each
 * closing in a row doubles the wait (1 s up to 60 s, with jitter); a connection that lasted a
 * minute starts the count again.
 */
import { ErrorCodes } from '../shared/errors.js';

const FIRST_DELAY_MS = 1_000;
const MAX_DELAY_MS = 60_000;
const FORGIVE_AFTER_MS = 60_000;

const closingCodes: ReadonlySet<string> = new Set([ErrorCodes.SLOW_CONSUMER, ErrorCodes.POLICY_VIOLATION]);

export function closesTheConnection(code: string): boolean {
  return closingCodes.has(code);
}

export class ClosedConnectionBackoff {
  private strikes = 0;
  private lastStrikeAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly now: () => number = () => Date.now(),
    private readonly random: () => number = Math.random,
  ) {}

  /** The server closed us again: how long to wait before reconnecting. */
  nextDelay(): number {
    const now = this.now();
    this.strikes = now - this.lastStrikeAt > FORGIVE_AFTER_MS ? 1 : this.strikes + 1;
    this.lastStrikeAt = now;
    const base = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** (this.strikes - 1));
    return Math.round(base * (0.75 + this.random() * 0.5));
  }
}
