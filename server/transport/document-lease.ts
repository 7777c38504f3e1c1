import type { DocumentRegistry } from '../core/registry.js';
import type { QuireDocument } from '../core/document.js';

/**
 * One socket's hold on its document. The load starts when the socket joins; a failed load is not
 * kept, so the client's next request tries again.
 */
export class DocumentLease {
  private acquisition: Promise<QuireDocument> | null = null;
  private held = false;
  private released = false;

  constructor(
    private readonly registry: DocumentRegistry,
    private readonly docName: string,
  ) {}

  get(): Promise<QuireDocument> {
    if (this.released) return Promise.reject(new Error('lease released'));
    if (this.acquisition === null) {
      const acquisition = this.registry.acquire(this.docName);
      this.acquisition = acquisition;
      acquisition.then(
        () => {
          if (this.released) this.registry.release(this.docName);
          else this.held = true;
        },
        () => {
          if (this.acquisition === acquisition) this.acquisition = null;
        },
      );
    }
    return this.acquisition;
  }

  /** The loaded document, or null while loading or after a failure. */
  async current(): Promise<QuireDocument | null> {
    return this.held ? this.get() : null;
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    if (this.held) this.registry.release(this.docName);
  }
}
