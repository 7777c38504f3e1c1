import { MemoryStore } from '../../server/persistence/memory-store.js';

/**
 * A memory store whose appends wait while held (a flush in progress, for unload and delivery
 * races), and whose next appends can be made to fail (a write error, as on a full disk).
 */
export class GatedAppendStore extends MemoryStore {
  private gate: Promise<void> | null = null;
  private openGate = () => {};
  private failures = 0;

  hold(): void {
    this.gate = new Promise((resolve) => (this.openGate = resolve));
  }

  open(): void {
    this.gate = null;
    this.openGate();
  }

  /** The next `count` appends fail without storing anything. */
  failNext(count: number): void {
    this.failures = count;
  }

  override async append(name: string, update: Uint8Array): Promise<void> {
    if (this.gate !== null) await this.gate;
    if (this.failures > 0) {
      this.failures--;
      throw new Error('injected write failure');
    }
    return super.append(name, update);
  }
}
