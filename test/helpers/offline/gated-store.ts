import { MemoryStore } from '../../../server/persistence/memory-store.js';

/**
 * A real MemoryStore whose appends resolve only while the gate is open: the test decides when the
 * server's writes become durable, and so when it acknowledges them.
 */
export class GatedStore extends MemoryStore {
  private gate: Promise<void> = Promise.resolve();
  private openGate: () => void = () => {};

  hold(): void {
    this.gate = new Promise((resolve) => (this.openGate = resolve));
  }

  release(): void {
    this.openGate();
  }

  override async append(name: string, update: Uint8Array): Promise<void> {
    const gate = this.gate;
    await super.append(name, update);
    await gate;
  }
}
