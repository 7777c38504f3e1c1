/**
 * A store for the simulation's concurrent schedules: appends take a few event-loop turns (in order,
 * as every store writes), and while `failing` is set they fail without storing anything, as on a
 * full disk. The server then answers STORE_FAILED for real instead of the injector faking it.
 */
import type { DocumentStore, StoredDocumentInfo } from '../../../server/persistence/types.js';

export class FaultyStore implements DocumentStore {
  failing = false;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    readonly inner: DocumentStore,
    /** Turns a write takes; drawn per write from the simulation's generator. */
    private readonly writeTurns: () => number,
  ) {}

  load(name: string): Promise<Uint8Array[]> {
    return this.inner.load(name);
  }

  has(name: string): Promise<boolean> {
    return this.inner.has(name);
  }

  append(name: string, update: Uint8Array): Promise<void> {
    const turns = this.writeTurns();
    const fails = this.failing;
    const write = this.chain.then(async () => {
      for (let i = 0; i < turns; i++) await new Promise((resolve) => setImmediate(resolve));
      if (fails) throw new Error('injected write failure');
      await this.inner.append(name, update);
    });
    this.chain = write.catch(() => {});
    return write;
  }

  delete(name: string): Promise<void> {
    return this.inner.delete(name);
  }

  list(): Promise<StoredDocumentInfo[]> {
    return this.inner.list();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
