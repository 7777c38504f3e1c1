import { describe, expect, it } from 'vitest';
import { type Contribution, TurnBuffer } from '../../server/core/turn-buffer.js';
import { delay, waitFor } from '../helpers/wait-for.js';

describe('presence is gathered: at most one broadcast per interval, a quiet one at the end of its turn', () => {
  it('a value after a quiet interval goes at the end of its turn; values that keep coming wait for the interval', async () => {
    const flushed: Contribution<number>[][] = [];
    const buffer = new TurnBuffer<number>((items) => flushed.push(items), 1_000);
    buffer.push('a', 1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(flushed).toEqual([[{ senderId: 'a', value: 1 }]]);
    buffer.push('b', 2);
    buffer.push('a', 3);
    await new Promise((resolve) => setImmediate(resolve));
    await delay(20);
    // Within the interval of the last hand-over: still gathering.
    expect(flushed).toHaveLength(1);
    await waitFor(() => flushed.length === 2, 'the gathered values go out once the interval passed');
    expect(flushed[1]).toEqual([
      { senderId: 'b', value: 2 },
      { senderId: 'a', value: 3 },
    ]);
    buffer.discard();
  });

  it('drain hands over at once, and the buffer without an interval hands over every turn', async () => {
    const flushed: number[][] = [];
    const gathered = new TurnBuffer<number>((items) => flushed.push(items.map((i) => i.value)), 10_000);
    gathered.push(null, 1);
    await new Promise((resolve) => setImmediate(resolve));
    gathered.push(null, 2);
    gathered.drain();
    expect(flushed).toEqual([[1], [2]]);
    const everyTurn: number[][] = [];
    const plain = new TurnBuffer<number>((items) => everyTurn.push(items.map((i) => i.value)));
    for (let turn = 0; turn < 3; turn++) {
      plain.push(null, turn);
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(everyTurn).toEqual([[0], [1], [2]]);
  });
});
