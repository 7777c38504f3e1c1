/**
 * Runs jobs one at a time per document name, in the order they were queued. Version changes read
 * the chain, compute, then write; two of them interleaving would build on a stale chain.
 */
export class DocLock {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(name: string, job: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(name) ?? Promise.resolve();
    const result = previous.then(job, job);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(name, tail);
    void tail.then(() => {
      if (this.tails.get(name) === tail) this.tails.delete(name);
    });
    return result;
  }

  /** Whether a job for this name is queued or running. */
  busy(name: string): boolean {
    return this.tails.has(name);
  }
}
