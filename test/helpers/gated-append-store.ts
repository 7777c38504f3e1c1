import { MemoryStore } from '../../server/persistence/memory-store.js';

/** A memory store whose appends wait while held: a flush in progress, for unload-race tests. */
export class GatedAppendStore extends MemoryStore {
  private gate: Promise<void> | null = null;
  private openGate = () => {};

  hold(): void {
    this.gate = new Promise((resolve) => (this.openGate = resolve));
  }

  open(): void {
    this.gate = null;
    this.openGate();
  }

  override async append(name: string, update: Uint8Array): Promise<void> {
    if (this.gate !== null) await this.gate;
    return super.append(name, update);
  }
}
