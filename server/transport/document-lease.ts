import { ErrorCodes, QuireError } from '../../shared/errors.js';
import type { QuireDocument } from '../core/document.js';
import type { DocumentRef, DocumentRegistry } from '../core/registry.js';

/**
 * One socket's hold on its document. The load starts when the socket joins; a failed load is not
 * kept, so the client's next request tries again. Releasing gives back exactly the reference this
 * lease took, even when the document has been unloaded and loaded again since.
 */
export class DocumentLease {
  private acquisition: Promise<DocumentRef> | null = null;
  private ref: DocumentRef | null = null;
  private released = false;

  constructor(
    private readonly registry: DocumentRegistry,
    private readonly docName: string,
  ) {}

  /** Whether the socket has left: what it sent while its document loaded may then be stale. */
  get isReleased(): boolean {
    return this.released;
  }

  get(): Promise<QuireDocument> {
    if (this.released) return Promise.reject(new QuireError(ErrorCodes.DOCUMENT_CLOSED));
    if (this.acquisition === null) {
      const acquisition = this.registry.acquire(this.docName);
      this.acquisition = acquisition;
      acquisition.then(
        (ref) => {
          if (this.released) ref.release();
          else this.ref = ref;
        },
        () => {
          if (this.acquisition === acquisition) this.acquisition = null;
        },
      );
    }
    return this.acquisition.then((ref) => ref.doc);
  }

  /** The loaded document, or null while loading, after a failure or once released. */
  current(): QuireDocument | null {
    return this.ref?.doc ?? null;
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.ref?.release();
    this.ref = null;
  }
}
