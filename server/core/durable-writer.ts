/**
 * Tracks a document's writes to the store so that "acknowledged" can mean "durable".
 *
 * Stores write in order, so awaiting the latest append covers every earlier one, unless an earlier
 * one failed. A failure is remembered: the next durability request first re-writes the document's
 * whole state (a repair append; Yjs ignores what is already there on load), so a client's retry
 * succeeds once the store works again even though its update changes nothing in memory. While
 * the store reports that it refuses writes, the repair waits (the answer is STORE_FAILED anyway).
 */
import createDebug from 'debug';
import { ErrorCodes, QuireError } from '../../shared/errors.js';
import type { DocumentStore } from '../persistence/types.js';

const debug = createDebug('quire:server:durability');

export class DurableWriter {
  private lastWrite: Promise<void> = Promise.resolve();
  private failures = 0;
  private needsRepair = false;

  constructor(
    private readonly docName: string,
    private readonly store: DocumentStore,
    private readonly currentState: () => Uint8Array,
    private readonly onError: (error: unknown) => void = () => {},
  ) {}

  append(update: Uint8Array): void {
    const write = this.store.append(this.docName, update);
    this.lastWrite = write;
    write.catch((error: unknown) => {
      this.failures++;
      this.needsRepair = true;
      debug('write failed for document %s: %O', this.docName, error);
      this.onError(error);
    });
  }

  /** Resolves when everything appended so far is durable; rejects with STORE_FAILED otherwise. */
  async whenDurable(): Promise<void> {
    if (this.needsRepair) {
      // A store that refuses every write now would refuse the repair at once too: encoding the
      // whole document for it on every update of an outage (a full disk) only stalls the server.
      if (this.store.health?.().accepting === false) throw new QuireError(ErrorCodes.STORE_FAILED);
      this.needsRepair = false;
      this.append(this.currentState());
    }
    const failuresBefore = this.failures;
    try {
      await this.lastWrite;
    } catch {
      throw new QuireError(ErrorCodes.STORE_FAILED);
    }
    if (this.failures !== failuresBefore) throw new QuireError(ErrorCodes.STORE_FAILED);
  }
}
