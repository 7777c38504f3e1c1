/**
 * Headless clients of a cluster: each one connection (its own Socket.io Manager, sticky by its
 * hint) with several documents, some forced to long-polling, typing into a Y.Text at 5–50 Hz with
 * a seeded generator. Every local update is recorded; when a provider reports `saved` (pending
 * reached zero), everything it recorded so far is acknowledged, by the provider's own promise.
 */
import { Manager } from 'socket.io-client';
import * as Y from 'yjs';
import { QuireProvider } from '../../../client/index.js';

/** mulberry32: seeded, so a failing run replays with the seed it prints. */
export function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface ClientDocument {
  name: string;
  doc: Y.Doc;
  provider: QuireProvider;
  updates: Uint8Array[];
  /** updates[0..acknowledged) are durable by the provider's report. */
  acknowledged: number;
}

export class WorkloadClient {
  readonly manager: Manager;
  readonly documents: ClientDocument[];
  private timer: NodeJS.Timeout | null = null;

  constructor(
    readonly id: string,
    url: string,
    docNames: readonly string[],
    polling: boolean,
    private readonly random: () => number,
  ) {
    this.manager = new Manager(url, {
      query: { hint: id },
      transports: polling ? ['polling'] : ['polling', 'websocket'],
      reconnectionDelay: 100,
      reconnectionDelayMax: 1000,
      autoConnect: false,
    });
    this.documents = docNames.map((name) => {
      const doc = new Y.Doc();
      const entry: ClientDocument = { name, doc, provider: null as unknown as QuireProvider, updates: [], acknowledged: 0 };
      doc.on('update', (update: Uint8Array, origin: unknown) => {
        if (origin === null || origin === 'local') entry.updates.push(update);
      });
      entry.provider = new QuireProvider(url, name, doc, { manager: this.manager });
      entry.provider.on('saved', () => (entry.acknowledged = entry.updates.length));
      return entry;
    });
  }

  whenSynced(): Promise<unknown> {
    return Promise.all(this.documents.map((d) => d.provider.whenSynced()));
  }

  /** Types at `hz` edits per second until `stop()`: inserts mostly, some deletes. */
  startTyping(hz: number): void {
    const tick = () => {
      const target = this.documents[Math.floor(this.random() * this.documents.length)]!;
      const text = target.doc.getText('text');
      target.doc.transact(() => {
        if (text.length > 40 && this.random() < 0.2) text.delete(Math.floor(this.random() * (text.length - 3)), 3);
        else text.insert(Math.floor(this.random() * (text.length + 1)), `${this.id}.${target.updates.length} `);
      }, 'local');
      this.timer = setTimeout(tick, 1000 / hz);
    };
    this.timer = setTimeout(tick, this.random() * 100);
  }

  stopTyping(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  get pending(): number {
    return this.documents.reduce((sum, d) => sum + d.provider.pendingCount, 0);
  }

  destroy(): void {
    this.stopTyping();
    for (const d of this.documents) {
      d.provider.destroy();
      d.doc.destroy();
    }
  }
}

export interface Workload {
  clients: WorkloadClient[];
  docNames: string[];
}

/** `clients` clients over `documents` documents, each client on `perClient` of them; every third one polls. */
export function createWorkload(
  url: string,
  options: { seed: number; clients: number; documents: number; perClient: number; hz: [number, number] },
): Workload & { start(): void; stop(): void } {
  const random = prng(options.seed);
  const docNames = Array.from({ length: options.documents }, (_, i) => `cluster-doc-${i}`);
  const clients = Array.from({ length: options.clients }, (_, i) => {
    const names = new Set<string>();
    while (names.size < Math.min(options.perClient, docNames.length)) names.add(docNames[Math.floor(random() * docNames.length)]!);
    return new WorkloadClient(`c${i}`, url, [...names], i % 3 === 2, prng(options.seed * 31 + i));
  });
  const rates = clients.map(() => options.hz[0] + Math.floor(random() * (options.hz[1] - options.hz[0] + 1)));
  return {
    clients,
    docNames,
    start: () => clients.forEach((client, i) => client.startTyping(rates[i]!)),
    stop: () => clients.forEach((client) => client.stopTyping()),
  };
}
