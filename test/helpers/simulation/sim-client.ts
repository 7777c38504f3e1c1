/**
 * A simulated provider: a Y.Doc and the real SyncSession (the provider's protocol logic), on a
 * virtual clock, over a SimLink. It records every moment it claimed to have saved, with what it
 * had edited by then, so the simulation can check each claim against the store.
 */
import * as Y from 'yjs';
import type { UpdateRefusal } from '../../../client/session-types.js';
import { SyncSession } from '../../../client/sync-session.js';
import { mergeMany } from '../../../shared/merge-updates.js';
import type { SimLink } from './sim-link.js';
import type { VirtualClock } from './virtual-clock.js';

export interface SavedClaim {
  client: string;
  /** Everything this client had edited when it said saved. */
  edits: Uint8Array;
}

export class SimClient {
  readonly doc = new Y.Doc();
  readonly session: SyncSession;
  link: SimLink | null = null;
  readonly ownUpdates: Uint8Array[] = [];
  readonly refusals: UpdateRefusal[] = [];
  /** Claims made since the simulation last checked them. */
  unchecked: SavedClaim[] = [];

  constructor(
    readonly name: string,
    clock: VirtualClock,
  ) {
    this.session = new SyncSession(
      this.doc,
      this,
      {
        synced: () => {},
        pending: () => {},
        saved: () => {
          if (this.ownUpdates.length > 0) this.unchecked.push({ client: name, edits: mergeMany(this.ownUpdates) });
        },
        notice: () => {},
        updateRefused: (refusal) => this.refusals.push(refusal),
        acknowledged: () => {},
        queued: () => {},
      },
      { timers: clock, retryDelayMin: 100, retryDelayMax: 2_000 },
    );
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === this) return;
      this.ownUpdates.push(update);
      this.session.localUpdate(update);
    });
  }

  get connected(): boolean {
    return this.link !== null;
  }

  /** Opens the session on a new link (the link's messages are queued for the simulation). */
  open(link: SimLink): void {
    this.link = link;
    this.session.connectionOpened({
      syncStep1: (frame, answer) => link.open && link.toServer.push({ kind: 'sync', frame, answer: answer as never }),
      update: (frame, answer) => link.open && link.toServer.push({ kind: 'update', frame, answer }),
      updatePart: (header, part, answer) => link.open && link.toServer.push({ kind: 'part', header, part, answer }),
    });
  }

  /** The client's side of a cut. */
  lose(): void {
    this.link = null;
    this.session.connectionLost();
  }

  receive(payload: Uint8Array): void {
    this.session.remoteUpdate(payload);
  }
}
