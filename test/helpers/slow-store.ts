import { MemoryStore } from '../../server/persistence/memory-store.js';

/** A memory store whose loads take `loadDelayMs` and can be made to fail: for load-race tests. */
export class SlowStore extends MemoryStore {
  loads = 0;
  failLoads = false;

  constructor(private readonly loadDelayMs: number) {
    super();
  }

  override async load(name: string): Promise<Uint8Array[]> {
    // Loads of documents, not of the client-id owner records loaded beside each ('\0…' names).
    if (!name.startsWith('\u0000')) this.loads++;
    await new Promise((resolve) => setTimeout(resolve, this.loadDelayMs));
    if (this.failLoads) throw new Error('injected load failure');
    return super.load(name);
  }
}
