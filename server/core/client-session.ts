/**
 * One connection's sync messages to one document, independent of the transport: the handshake
 * answer, updates, and updates arriving in parts. The Socket.io adapter (transport/connection.ts)
 * checks rate limits and payload types first and turns what this throws into error acks; the
 * protocol simulation drives it directly over an in-memory transport.
 */
import { ErrorCodes, QuireError } from '../../shared/errors.js';
import type { SyncLimits, SyncStep1Reply, UpdatePartHeader } from '../../shared/events.js';
import { decodeSyncFrame, type SyncFrame } from '../../shared/protocol/sync.js';
import type { QuireDocument } from './document.js';
import type { ConnectionRef } from './origins.js';
import { type AssemblyAllowance, UpdateAssembly } from './update-assembly.js';

export interface ClientSessionLimits extends SyncLimits {
  /** Largest frame (or part) in one message. */
  maxUpdateBytes: number;
}

export class ClientSession {
  private readonly assembly: UpdateAssembly;

  constructor(
    private readonly connection: ConnectionRef,
    private readonly document: () => Promise<QuireDocument>,
    private readonly limits: ClientSessionLimits,
    allowance: AssemblyAllowance,
  ) {
    this.assembly = new UpdateAssembly(limits.maxAssembledUpdateBytes, allowance);
  }

  /**
   * The answer to a step 1 frame; waits for the stored document to load, and for what the answer
   * carries to be durable: a joiner never holds content that a crash could take back from the
   * server (STORE_FAILED while the store cannot write; the client asks again).
   */
  async syncStep1(frame: Uint8Array): Promise<SyncStep1Reply> {
    const decoded = decodeFrame(frame);
    if (decoded.type !== 'step1') throw new QuireError(ErrorCodes.BAD_PAYLOAD, 'Expected a sync step 1 frame.');
    const doc = await this.document();
    const { step2, step1 } = doc.syncReply(decoded.payload);
    await doc.whenDurable();
    const { partBytes, maxAssembledUpdateBytes } = this.limits;
    return { step2, step1, access: this.connection.access, limits: { partBytes, maxAssembledUpdateBytes } };
  }

  /** Applies a step 2 or update frame; resolves once what it contributed is durable. */
  async update(frame: Uint8Array): Promise<void> {
    if (frame.byteLength > this.limits.maxUpdateBytes) throw new QuireError(ErrorCodes.UPDATE_TOO_LARGE);
    await this.apply(frame);
  }

  /** Takes one part; the final one resolves once the whole frame is applied and durable. */
  async updatePart(header: UpdatePartHeader, part: Uint8Array): Promise<void> {
    if (part.byteLength === 0) throw new QuireError(ErrorCodes.BAD_PAYLOAD, 'Empty update part.');
    if (part.byteLength > this.limits.maxUpdateBytes) throw new QuireError(ErrorCodes.UPDATE_TOO_LARGE);
    if (this.connection.access !== 'write') throw new QuireError(ErrorCodes.READ_ONLY);
    const frame = this.assembly.add(header, part);
    if (frame !== null) await this.apply(frame);
  }

  /** The connection is gone: free what it was assembling. */
  close(): void {
    this.assembly.discard();
  }

  private async apply(frame: Uint8Array): Promise<void> {
    if (this.connection.access !== 'write') throw new QuireError(ErrorCodes.READ_ONLY);
    const decoded = decodeFrame(frame);
    if (decoded.type === 'step1') throw new QuireError(ErrorCodes.BAD_PAYLOAD, 'Expected an update frame.');
    const doc = await this.document();
    await doc.applyClientUpdate(this.connection, decoded.payload);
  }
}

function decodeFrame(frame: Uint8Array): SyncFrame {
  try {
    return decodeSyncFrame(frame);
  } catch {
    throw new QuireError(ErrorCodes.MALFORMED_UPDATE, 'The sync frame could not be decoded.');
  }
}
