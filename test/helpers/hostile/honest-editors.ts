/**
 * Honest clients editing one document while the hostile suite runs: each inserts its own tokens
 * into the text, sets its own map key and moves its cursor, so that afterwards the document can be
 * checked for exactly what they wrote.
 */
import * as prng from 'lib0/prng';
import { type TestClient, connectSynced, destroyClients } from '../clients.js';
import { converged, snapshotOf } from '../convergence.js';
import { waitFor } from '../wait-for.js';

export class HonestEditors {
  private running = false;
  private loops: Promise<void>[] = [];
  /** Per client, the tokens it inserted. */
  readonly written: string[][];

  private constructor(readonly clients: TestClient[]) {
    this.written = clients.map(() => []);
    clients.forEach(({ provider }, i) => provider.awareness.setLocalState({ user: `honest-${i}`, cursor: 0 }));
  }

  static async connect(url: string, docName: string, token: string, count: number): Promise<HonestEditors> {
    const clients = await Promise.all(Array.from({ length: count }, () => connectSynced(url, docName, { token })));
    return new HonestEditors(clients);
  }

  get clientIds(): number[] {
    return this.clients.map(({ doc }) => doc.clientID);
  }

  /** Each client edits every `intervalMs`, at most `maxEdits` times (so the document's growth is bounded). */
  start(seed: number, intervalMs: number, maxEdits: number): void {
    this.running = true;
    this.loops = this.clients.map((client, i) => this.edit(client, i, prng.create(seed + i), intervalMs, maxEdits));
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  private async edit(client: TestClient, index: number, gen: prng.PRNG, intervalMs: number, maxEdits: number): Promise<void> {
    for (let k = 0; this.running && k < maxEdits; k++) {
      const text = client.doc.getText('text');
      const token = `<h${index}:${k}>`;
      // At either end, never inside another token, so every token stays whole and checkable.
      text.insert(prng.bool(gen) ? 0 : text.length, token);
      this.written[index]!.push(token);
      client.doc.getMap('map').set(`h${index}`, k);
      client.provider.awareness.setLocalStateField('cursor', k);
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }

  /** Waits until every edit is durable on the server and every client holds the same document. */
  async settle(): Promise<void> {
    await waitFor(() => this.clients.every(({ provider }) => provider.pendingCount === 0 && provider.synced), 'honest edits saved', 20_000);
    await waitFor(() => converged(this.clients.map(({ doc }) => doc)), 'honest clients converged', 20_000);
  }

  /** Problems with the document's content: a missing or extra token, a wrong map value. */
  contentProblems(): string[] {
    const problems: string[] = [];
    const { doc } = this.clients[0]!;
    const text = doc.getText('text').toString();
    const all = this.written.flat();
    for (const token of all) if (!text.includes(token)) problems.push(`missing ${token}`);
    const expectedLength = all.reduce((sum, token) => sum + token.length, 0);
    if (text.length !== expectedLength) problems.push(`text has ${text.length} characters, honest clients wrote ${expectedLength}`);
    this.written.forEach((tokens, i) => {
      const value = doc.getMap('map').get(`h${i}`);
      if (value !== tokens.length - 1) problems.push(`map h${i} is ${JSON.stringify(value)}, expected ${tokens.length - 1}`);
    });
    return problems;
  }

  /** Problems with presence: an honest client whose state another sees wrongly. */
  awarenessProblems(): string[] {
    const problems: string[] = [];
    this.clients.forEach((viewer, v) => {
      this.clients.forEach((subject, s) => {
        const state = viewer.provider.awareness.getStates().get(subject.doc.clientID);
        if (state?.user !== `honest-${s}`) problems.push(`client ${v} sees client ${s} as ${JSON.stringify(state)}`);
      });
    });
    return problems;
  }

  snapshot(): string {
    return snapshotOf(this.clients[0]!.doc);
  }

  destroy(): void {
    this.running = false;
    destroyClients(this.clients);
  }
}
