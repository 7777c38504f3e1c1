/**
 * What a node knows it holds of one document, by the store's gap-free sequence: every row up to
 * `knownSeq` is in its Y.Doc. Rows arrive out of order (each node publishes its own commits), so
 * rows above a gap are remembered until the gap closes by a bus message or a catch-up read.
 */
export class SequenceTracker {
  private readonly above = new Set<number>();
  /** The head the last periodic check read: a row older than that still missing means loss. */
  headAtLastCheck = 0;
  catchingUp = false;
  catchUpAgain = false;
  gapTimer: NodeJS.Timeout | null = null;

  constructor(
    public knownSeq: number,
    /**
     * The incarnation of the document these rows belong to (null while none is stored): a document
     * deleted and written again numbers its rows from 1 again, so seqs compare only within one.
     */
    public incarnation: string | null,
  ) {}

  /** Records rows first..last as held; returns whether any was new. */
  mark(first: number, last: number): boolean {
    let added = false;
    for (let seq = Math.max(first, this.knownSeq + 1); seq <= last; seq++) {
      if (!this.above.has(seq)) {
        this.above.add(seq);
        added = true;
      }
    }
    while (this.above.delete(this.knownSeq + 1)) this.knownSeq++;
    return added;
  }

  /** Everything up to `head` is held now (after a catch-up read); returns how many rows were missing. */
  markThrough(head: number): number {
    let missing = 0;
    for (let seq = this.knownSeq + 1; seq <= head; seq++) if (!this.above.has(seq)) missing++;
    for (const seq of this.above) if (seq <= head) this.above.delete(seq);
    if (head > this.knownSeq) this.knownSeq = head;
    while (this.above.delete(this.knownSeq + 1)) this.knownSeq++;
    return missing;
  }

  /** The rows held above the gap now. */
  heldAbove(): number[] {
    return [...this.above];
  }

  /**
   * Forgets rows of `held` above `head`, the head a read issued after they were marked found. A row
   * is marked once committed, so the read would have seen it: it was a row of the document's
   * previous incarnation (a message that arrived late), and the current one's row with that number
   * is still to come.
   */
  forgetStale(held: readonly number[], head: number): number {
    let stale = 0;
    for (const seq of held) if (seq > head && this.above.delete(seq)) stale++;
    return stale;
  }

  /** Rows above a missing one are held: something was lost or is still on its way. */
  get hasGap(): boolean {
    return this.above.size > 0;
  }

  dispose(): void {
    if (this.gapTimer !== null) clearTimeout(this.gapTimer);
    this.gapTimer = null;
  }
}
