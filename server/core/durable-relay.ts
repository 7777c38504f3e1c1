/**
 * Holds a document's outgoing updates until what they carry is durable, then hands them on in order.
 *
 * Why: a relayed edit that the server then loses in a crash lives on only in the receivers' copies.
 * They would upload it again, under its author's client id, which the server refuses from anyone
 * but its author (client-id-owners.ts); and until then a fresh reader would not see what everyone
 * else already saw. Relaying only durable content keeps one truth: what a client receives from the
 * server, the server has stored.
 *
 * A failed write keeps what it covered held back; the next durability request re-writes the whole
 * state first (durable-writer.ts), and once one succeeds everything held until then goes out.
 */
export class DurableRelay<T> {
  private readonly held: { seq: number; batch: T }[] = [];
  private nextSeq = 0;

  constructor(
    private readonly whenDurable: () => Promise<void>,
    /** Everything one durability covers, oldest first, in one call: it goes out as one broadcast. */
    private readonly send: (batches: T[]) => void,
  ) {}

  /** Holds `batch`, which was written to the store before this call, until it is durable. */
  push(batch: T): void {
    this.held.push({ seq: this.nextSeq++, batch });
    // A failure keeps it held; the writers' acks report it, and the next success releases it.
    this.durable().catch(() => {});
  }

  /** Resolves once everything written so far is durable, and relays what that covers. */
  async durable(): Promise<void> {
    const upTo = this.nextSeq;
    await this.whenDurable();
    this.release(upTo);
  }

  /** Drops what is held: the document is destroyed, and what never became durable is not relayed. */
  discard(): void {
    this.held.length = 0;
  }

  get heldCount(): number {
    return this.held.length;
  }

  private release(upTo: number): void {
    let ready = 0;
    while (ready < this.held.length && this.held[ready]!.seq < upTo) ready++;
    if (ready > 0) this.send(this.held.splice(0, ready).map((entry) => entry.batch));
  }
}
