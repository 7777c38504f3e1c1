import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../server/limits/token-bucket.js';

describe('a token bucket allows a burst, then its sustained rate', () => {
  it('spends the burst, refuses without spending, and refills with time up to the burst', () => {
    let now = 0;
    const bucket = new TokenBucket({ perSecond: 10, burst: 5 }, () => now);
    for (let i = 0; i < 5; i++) expect(bucket.take()).toBe(true);
    expect(bucket.take()).toBe(false);
    now += 100; // one token
    expect(bucket.take(2)).toBe(false);
    expect(bucket.take()).toBe(true);
    expect(bucket.take()).toBe(false);
    now += 60_000;
    expect(bucket.available).toBe(5);
  });

  it('ignores a clock that goes backwards', () => {
    let now = 1_000;
    const bucket = new TokenBucket({ perSecond: 1, burst: 1 }, () => now);
    expect(bucket.take()).toBe(true);
    now = 0;
    expect(bucket.take()).toBe(false);
  });
});
