import type { Timers } from '../../../client/session-types.js';

/** Timers on a virtual clock: nothing fires until the simulation advances time to it. */
export class VirtualClock implements Timers {
  now = 0;
  private nextId = 1;
  private readonly timers = new Map<number, { at: number; action: () => void }>();

  set(action: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.set(id, { at: this.now + ms, action });
    return id;
  }

  clear(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  get pending(): number {
    return this.timers.size;
  }

  /** Advances to the earliest timer (the oldest among equals) and runs it; false when there is none. */
  fireNext(): boolean {
    let earliest: [number, { at: number; action: () => void }] | null = null;
    for (const entry of this.timers) if (earliest === null || entry[1].at < earliest[1].at) earliest = entry;
    if (earliest === null) return false;
    this.timers.delete(earliest[0]);
    this.now = earliest[1].at;
    earliest[1].action();
    return true;
  }
}
