/**
 * One simulated connection between a client and the server: two message queues the simulation
 * delivers from (or drops, duplicates, reorders) one step at a time. Socket.io keeps each
 * direction in order; the fault injector may break that for acks on purpose.
 */
import type { Ack } from '../../../shared/ack.js';
import type { UpdatePartHeader } from '../../../shared/events.js';

export type ToServer =
  | { kind: 'sync'; frame: Uint8Array; answer: (reply: Ack<never>) => void }
  | { kind: 'update'; frame: Uint8Array; answer: (reply: Ack) => void }
  | { kind: 'part'; header: UpdatePartHeader; part: Uint8Array; answer: (reply: Ack) => void };

export type ToClient = { kind: 'ack'; reply: Ack; answer: (reply: Ack) => void } | { kind: 'broadcast'; payload: Uint8Array };

export class SimLink {
  readonly toServer: ToServer[] = [];
  readonly toClient: ToClient[] = [];
  open = true;

  constructor(
    readonly id: string,
    readonly docName: string,
  ) {}

  /** Cut: nothing in flight arrives any more. */
  close(): void {
    this.open = false;
    this.toServer.length = 0;
    this.toClient.length = 0;
  }
}
