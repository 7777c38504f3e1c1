/**
 * Server-wide ceilings on what is loaded at once: a count of documents and their encoded bytes.
 *
 * Security: per-connection limits bound one client, not many. Without a ceiling, enough
 * connections opening enough documents load the whole store into memory. A Y.Doc costs about ten
 * times its encoded size, so the byte ceiling is what bounds the heap. Over a ceiling, documents
 * nobody holds (in their unload grace period) are unloaded first; when that is not enough, the load
 * is refused with SERVER_BUSY, which clients retry with backoff.
 */
import createDebug from 'debug';
import { ErrorCodes, QuireError } from '../../shared/errors.js';

const debug = createDebug('quire:server:load-gate');

export interface LoadCeilings {
  /** Documents loaded (or loading) at once. */
  maxLoadedDocuments: number;
  /** Sum of the loaded documents' encoded sizes (stored bytes plus bytes applied since). */
  maxLoadedBytes: number;
}

export const unlimitedLoads: LoadCeilings = {
  maxLoadedDocuments: Number.POSITIVE_INFINITY,
  maxLoadedBytes: Number.POSITIVE_INFINITY,
};

/** What the gate needs to know of a loaded document. */
export interface SizedDocument {
  readonly encodedBytes: number;
}

export class LoadGate {
  private count = 0;
  private readonly loadedDocs = new Set<SizedDocument>();

  constructor(private readonly ceilings: LoadCeilings) {}

  get bytes(): number {
    let total = 0;
    for (const doc of this.loadedDocs) total += doc.encodedBytes;
    return total;
  }

  /** Reserves a slot for a load; throws SERVER_BUSY when the ceilings leave no room. */
  async admit(makeRoom: () => Promise<number>): Promise<void> {
    if (this.full()) await makeRoom();
    if (this.full()) {
      debug('refusing a load: %d documents, %d bytes loaded', this.count, this.bytes);
      throw new QuireError(ErrorCodes.SERVER_BUSY);
    }
    this.count++;
  }

  /** A reserved load failed. */
  forget(): void {
    this.count--;
  }

  loaded(doc: SizedDocument): void {
    this.loadedDocs.add(doc);
  }

  unloaded(doc: SizedDocument): void {
    if (this.loadedDocs.delete(doc)) this.count--;
  }

  private full(): boolean {
    return this.count >= this.ceilings.maxLoadedDocuments || this.bytes >= this.ceilings.maxLoadedBytes;
  }
}
