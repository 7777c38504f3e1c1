import { describe, expect, it } from 'vitest';
import { ClosedConnectionBackoff, closesTheConnection } from '../../client/closed-connection-backoff.js';

describe('a provider closed by the server for its behaviour comes back later and later', () => {
  it('doubles the wait with each closing in a row, up to a minute, and forgives after a quiet minute', () => {
    let now = 0;
    const backoff = new ClosedConnectionBackoff(
      () => now,
      () => 0.5,
    );
    const delays: number[] = [];
    for (let i = 0; i < 9; i++) {
      delays.push(backoff.nextDelay());
      now += 1_000;
    }
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000]);
    now += 61_000;
    expect(backoff.nextDelay()).toBe(1_000);
  });

  it('applies to SLOW_CONSUMER and POLICY_VIOLATION only', () => {
    expect(closesTheConnection('SLOW_CONSUMER')).toBe(true);
    expect(closesTheConnection('POLICY_VIOLATION')).toBe(true);
    expect(closesTheConnection('RATE_LIMITED')).toBe(false);
  });
});
