/**
 * One honest user of the soak test: opens a document, types, moves a cursor, goes offline now and
 * then (editing meanwhile), leaves, comes back, switches documents. Its own Socket.io connection,
 * as distinct users have; some start on long-polling and upgrade, most use WebSocket at once.
 */
import { Manager } from 'socket.io-client';
import * as Y from 'yjs';
import { QuireProvider } from '../../client/index.js';
import type { Ledger } from './ledger.js';

export interface EditorCounters {
  joins: number;
  leaves: number;
  offlineSpells: number;
  notices: Map<string, number>;
}

export function newEditorCounters(): EditorCounters {
  return { joins: 0, leaves: 0, offlineSpells: 0, notices: new Map() };
}

interface Session {
  docName: string;
  doc: Y.Doc;
  provider: QuireProvider;
  manager: Manager;
  unconfirmed: string[];
  offlineUntil: number;
}

export interface EditorOptions {
  id: string;
  url: string;
  docNames: readonly string[];
  rng: () => number;
  ledger: Ledger;
  counters: EditorCounters;
}

export class Editor {
  private session: Session | null = null;
  private seq = 0;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(private readonly options: EditorOptions) {}

  start(): void {
    this.join();
    this.schedule();
  }

  /** Leaves for good (the end of the run). */
  stop(): void {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.leave();
  }

  private schedule(): void {
    if (this.stopped) return;
    // People type in bursts: 150 ms to 1.5 s between actions.
    this.timer = setTimeout(
      () => {
        this.tick();
        this.schedule();
      },
      150 + this.options.rng() * 1350,
    );
  }

  private tick(): void {
    const { rng } = this.options;
    const session = this.session;
    if (session === null) {
      if (rng() < 0.3) this.join();
      return;
    }
    if (session.offlineUntil > 0 && Date.now() >= session.offlineUntil) {
      session.offlineUntil = 0;
      session.provider.connect();
    }
    const roll = rng();
    if (roll < 0.8) this.edit(session);
    else if (roll < 0.9) session.provider.awareness.setLocalStateField('cursor', { index: Math.floor(rng() * 1000) });
    else if (roll < 0.94 && session.offlineUntil === 0) {
      // Offline for 2–8 s, still editing.
      this.options.counters.offlineSpells++;
      session.offlineUntil = Date.now() + 2000 + rng() * 6000;
      session.provider.disconnect();
    } else if (roll < 0.97) this.leave();
    else if (roll < 0.985) {
      this.leave();
      this.join();
    }
  }

  private edit(session: Session): void {
    const token = this.options.ledger.record(this.options.id, this.seq++);
    const edits = session.doc.getArray<string>('edits');
    session.doc.transact(() => {
      edits.insert(Math.floor(this.options.rng() * (edits.length + 1)), [token]);
      session.doc.getText('text').insert(0, token.slice(-1));
    });
    session.unconfirmed.push(token);
  }

  private join(): void {
    const { url, docNames, rng, ledger, counters } = this.options;
    // Skewed: a few busy documents, a long tail of quiet ones.
    const docName = docNames[Math.floor(rng() * rng() * docNames.length)]!;
    const doc = new Y.Doc();
    const transports: ('polling' | 'websocket')[] = rng() < 0.2 ? ['polling', 'websocket'] : ['websocket'];
    const manager = new Manager(url, { transports, autoConnect: false, reconnectionDelay: 500, reconnectionDelayMax: 3000 });
    const provider = new QuireProvider(url, docName, doc, { manager });
    const session: Session = { docName, doc, provider, manager, unconfirmed: [], offlineUntil: 0 };
    provider.on('saved', () => {
      ledger.acknowledge(docName, session.unconfirmed);
      session.unconfirmed = [];
    });
    provider.on('notice', ({ code }) => counters.notices.set(code, (counters.notices.get(code) ?? 0) + 1));
    provider.on('connection-error', ({ code }) =>
      counters.notices.set(`connect:${code}`, (counters.notices.get(`connect:${code}`) ?? 0) + 1),
    );
    provider.awareness.setLocalStateField('user', { name: this.options.id });
    this.session = session;
    counters.joins++;
  }

  private leave(): void {
    const session = this.session;
    if (session === null) return;
    this.session = null;
    this.options.counters.leaves++;
    session.provider.destroy();
    session.doc.destroy();
    // The provider leaves a Manager it was handed to its owner.
    session.manager._close();
  }
}
