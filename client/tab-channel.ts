/**
 * Shares one document's edits between the tabs of one browser over a BroadcastChannel, so tabs
 * see each other's edits live even while the server is unreachable.
 *
 * Messages (structured clones, same origin only):
 *   { kind: 'hello', stateVector }            a tab joined: others answer with what it lacks
 *   { kind: 'update', update, sessions }      a Yjs update made in one tab (or an answer to 'hello'),
 *                                             with the provider sessions whose edits it may hold
 *
 * Only this tab's own edits are shared (never what came from the server or the offline store,
 * which every tab gets on its own), and only while this provider may write. An edit received from
 * another tab is not queued for the server by this tab: the tab that made it owns its delivery,
 * and a reconnect's state-vector exchange carries it anyway should that tab be gone. For that
 * exchange the server must let this tab write under the other tab's Yjs client id, so the other
 * tab's session secret comes along and is presented like a restored earlier session's (the tabs
 * share an origin, hence its storage and its secrets anyway).
 */
import createDebug from 'debug';
import * as Y from 'yjs';

const debug = createDebug('quire:client:tab-channel');

type TabMessage = { kind: 'hello'; stateVector: Uint8Array } | { kind: 'update'; update: Uint8Array; sessions: string[] };

/** Sessions one message may name (this tab's and those it carries). */
const MAX_SESSIONS = 16;

export interface TabChannelOptions {
  /** Whether an update with this origin was made in this tab (and so is shared). */
  isOwnEdit: (origin: unknown) => boolean;
  /** False while edits may not be shared (a read-only connection). */
  mayShare: () => boolean;
  /** This provider's session and the earlier ones whose edits it carries. */
  sessions: () => string[];
  /** Another tab's edits arrived: from now on this provider may have to send them under `session`. */
  carry: (session: string) => void;
}

export class TabChannel {
  private readonly channel: BroadcastChannel;

  constructor(
    name: string,
    private readonly doc: Y.Doc,
    private readonly options: TabChannelOptions,
  ) {
    this.channel = new BroadcastChannel(name);
    this.channel.onmessage = (event: MessageEvent) => this.onMessage(event.data);
    doc.on('update', this.onUpdate);
    this.post({ kind: 'hello', stateVector: Y.encodeStateVector(doc) });
  }

  /** Whether updates with this origin were applied from another tab. */
  isOrigin(origin: unknown): boolean {
    return origin === this;
  }

  close(): void {
    this.doc.off('update', this.onUpdate);
    this.channel.onmessage = null;
    this.channel.close();
  }

  private readonly onUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin === this || !this.options.isOwnEdit(origin) || !this.options.mayShare()) return;
    this.post({ kind: 'update', update, sessions: this.options.sessions().slice(0, MAX_SESSIONS) });
  };

  private onMessage(message: unknown): void {
    try {
      if (!isTabMessage(message)) return;
      if (message.kind === 'update') {
        for (const session of message.sessions.slice(0, MAX_SESSIONS)) this.options.carry(session);
        Y.applyUpdate(this.doc, message.update, this);
      } else if (this.options.mayShare()) {
        const missing = Y.encodeStateAsUpdate(this.doc, message.stateVector);
        if (missing.byteLength > 2)
          this.post({ kind: 'update', update: missing, sessions: this.options.sessions().slice(0, MAX_SESSIONS) });
      }
    } catch (error) {
      // Another tab of the same origin sent something unreadable (an older version?): ignore it.
      debug('ignoring an unreadable message from another tab: %O', error);
    }
  }

  private post(message: TabMessage): void {
    try {
      this.channel.postMessage(message);
    } catch (error) {
      debug('could not post to the other tabs: %O', error);
    }
  }
}

function isTabMessage(value: unknown): value is TabMessage {
  if (typeof value !== 'object' || value === null) return false;
  const { kind } = value as { kind?: unknown };
  if (kind === 'update') {
    const { update, sessions } = value as { update?: unknown; sessions?: unknown };
    return update instanceof Uint8Array && Array.isArray(sessions) && sessions.every(isSession);
  }
  if (kind === 'hello') return (value as { stateVector?: unknown }).stateVector instanceof Uint8Array;
  return false;
}

/** Whether tabs can be joined here: a browser page with BroadcastChannel (Node has one too, but no tabs). */
export function tabsAvailable(): boolean {
  return typeof BroadcastChannel === 'function' && typeof (globalThis as { document?: unknown }).document !== 'undefined';
}

/** The shape of a provider session key (random, 16 to 128 characters). */
function isSession(value: unknown): value is string {
  return typeof value === 'string' && value.length >= 16 && value.length <= 128;
}
