import { describe, expect, it } from 'vitest';
import { PendingQueue } from '../../client/pending-queue.js';

const bytes = (n: number) => new Uint8Array(n);

describe('the pending queue removes exactly what an ack covered', () => {
  it('an ack removes only its own batch, even when an earlier batch was refused', () => {
    const queue = new PendingQueue();
    for (const size of [1, 2, 3, 4]) queue.push(bytes(size));
    const first = queue.send(queue.unsent().slice(0, 2));
    const second = queue.send(queue.unsent());
    queue.refuse(first);
    expect(queue.acknowledge(second).map((entry) => entry.seq)).toEqual([3, 4]);
    expect(queue.count).toBe(2);
    expect(queue.bytes).toBe(3);
    expect(queue.unsent().map((entry) => entry.seq)).toEqual([1, 2]);
  });

  it('a refused batch is sent again; an ack of the resend empties the queue', () => {
    const queue = new PendingQueue();
    queue.push(bytes(5));
    const batch = queue.send(queue.unsent());
    expect(queue.unsent()).toEqual([]);
    queue.refuse(batch);
    const resend = queue.send(queue.unsent());
    expect(queue.acknowledge(resend)).toHaveLength(1);
    expect(queue.count).toBe(0);
    expect(queue.bytes).toBe(0);
  });

  it('a duplicated or late answer changes nothing', () => {
    const queue = new PendingQueue();
    queue.push(bytes(1));
    queue.push(bytes(1));
    const batch = queue.send(queue.unsent());
    expect(queue.acknowledge(batch)).toHaveLength(2);
    expect(queue.acknowledge(batch)).toEqual([]);
    queue.refuse(batch);
    expect(queue.count).toBe(0);
  });

  it('a step 2 covering every entry takes them over from batches still in flight', () => {
    const queue = new PendingQueue();
    queue.push(bytes(1));
    const old = queue.send(queue.unsent());
    queue.push(bytes(1));
    const all = queue.sendAll();
    // The old batch's refusal does not put back what the step 2 now carries.
    queue.refuse(old);
    expect(queue.unsent()).toEqual([]);
    expect(queue.acknowledge(all)).toHaveLength(2);
    expect(queue.inFlight).toBe(0);
  });

  it('an entry acknowledged through one batch is not removed twice through another', () => {
    const queue = new PendingQueue();
    queue.push(bytes(2));
    const first = queue.send(queue.unsent());
    const all = queue.sendAll();
    expect(queue.acknowledge(first)).toHaveLength(1);
    expect(queue.acknowledge(all)).toEqual([]);
    expect(queue.bytes).toBe(0);
  });

  it('after a disconnect everything is unsent and old batches mean nothing', () => {
    const queue = new PendingQueue();
    queue.push(bytes(1));
    const batch = queue.send(queue.unsent());
    queue.resetSent();
    expect(queue.unsent()).toHaveLength(1);
    expect(queue.acknowledge(batch)).toEqual([]);
    expect(queue.count).toBe(1);
  });
});
