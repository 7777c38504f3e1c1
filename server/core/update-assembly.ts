/**
 * Reassembles an update frame that arrives in parts (`update-part`), for one connection to one
 * document. At most one frame is assembled at a time (an honest client waits for each part's ack);
 * the room it needs is reserved from the connection's allowance when its first part arrives, so a
 * client cannot hold more than `maxAssembledUpdateBytes` half-assembled across all its documents.
 */
import { ErrorCodes, QuireError } from '../../shared/errors.js';
import type { UpdatePartHeader } from '../../shared/events.js';

export interface AssemblyAllowance {
  reserve(bytes: number): boolean;
  release(bytes: number): void;
}

interface Assembly {
  id: number;
  total: number;
  nextIndex: number;
  received: number;
  parts: Uint8Array[];
}

export class UpdateAssembly {
  private current: Assembly | null = null;

  constructor(
    private readonly maxAssembledUpdateBytes: number,
    private readonly allowance: AssemblyAllowance,
  ) {}

  /**
   * Adds a part; returns the whole frame once the final part arrived, else null. Throws
   * UPDATE_TOO_LARGE, BAD_PAYLOAD (out of order, inconsistent sizes) or RATE_LIMITED (the
   * connection's allowance is taken by its other documents: retry later, nothing is kept).
   */
  add(header: UpdatePartHeader, part: Uint8Array): Uint8Array | null {
    if (header.index === 0) {
      this.discard();
      if (header.total > this.maxAssembledUpdateBytes) throw new QuireError(ErrorCodes.UPDATE_TOO_LARGE);
      if (!this.allowance.reserve(header.total))
        throw new QuireError(ErrorCodes.RATE_LIMITED, 'Too many large updates in progress on this connection; retry later.');
      this.current = { id: header.id, total: header.total, nextIndex: 0, received: 0, parts: [] };
    }
    const assembly = this.current;
    if (assembly === null || assembly.id !== header.id || assembly.nextIndex !== header.index || assembly.total !== header.total) {
      this.discard();
      throw new QuireError(ErrorCodes.BAD_PAYLOAD, 'Update part out of order.');
    }
    const received = assembly.received + part.byteLength;
    if (received > assembly.total || (header.final && received !== assembly.total) || (!header.final && received === assembly.total)) {
      this.discard();
      throw new QuireError(ErrorCodes.BAD_PAYLOAD, 'Update parts do not add up to the announced size.');
    }
    // Socket.io may hand us a view into a larger receive buffer: keep our own copy.
    assembly.parts.push(part.slice());
    assembly.received = received;
    assembly.nextIndex++;
    if (!header.final) return null;
    const frame = new Uint8Array(assembly.total);
    let offset = 0;
    for (const chunk of assembly.parts) {
      frame.set(chunk, offset);
      offset += chunk.byteLength;
    }
    this.discard();
    return frame;
  }

  /** Drops an unfinished frame and gives its room back (disconnect, or a new frame started). */
  discard(): void {
    if (this.current === null) return;
    this.allowance.release(this.current.total);
    this.current = null;
  }
}
