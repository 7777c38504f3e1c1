/**
 * Collects values produced during one event-loop turn and hands them over together once the turn's
 * I/O has been processed (setImmediate runs after the poll phase), so that everything that arrived
 * in one read burst is merged and encoded once.
 */
export interface Contribution<T> {
  /** The connection the value came from, or null when it came from the server itself. */
  senderId: string | null;
  value: T;
}

export class TurnBuffer<T> {
  private items: Contribution<T>[] = [];
  private scheduled: NodeJS.Immediate | null = null;

  constructor(private readonly flush: (items: Contribution<T>[]) => void) {}

  push(senderId: string | null, value: T): void {
    this.items.push({ senderId, value });
    this.scheduled ??= setImmediate(() => this.drain());
  }

  /** Hands over what is buffered now instead of at the end of the turn. */
  drain(): void {
    if (this.scheduled !== null) clearImmediate(this.scheduled);
    this.scheduled = null;
    const items = this.items;
    this.items = [];
    if (items.length > 0) this.flush(items);
  }

  discard(): void {
    if (this.scheduled !== null) clearImmediate(this.scheduled);
    this.scheduled = null;
    this.items = [];
  }
}
