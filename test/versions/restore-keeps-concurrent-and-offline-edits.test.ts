import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { type TestClient, connectSynced, destroyClients } from '../helpers/clients.js';
import { converged } from '../helpers/convergence.js';
import { allContent } from '../helpers/random-edits.js';
import { type RunningServer, startServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait-for.js';
import { versionStores, whenSaved } from '../helpers/versions.js';

/** The text of the editor root's first paragraph. */
function firstParagraph(doc: Y.Doc): Y.XmlText {
  const paragraph = doc.getXmlFragment('default').get(0) as Y.XmlElement;
  return paragraph.get(0) as Y.XmlText;
}

/** Appends a token to the shared `text` root and to the editor root (a new paragraph), in one transaction. */
function type(client: TestClient, token: string): void {
  client.doc.transact(() => {
    client.doc.getText('text').insert(client.doc.getText('text').length, `${token} `);
    const fragment = client.doc.getXmlFragment('default');
    const paragraph = new Y.XmlElement('paragraph');
    paragraph.insert(0, [new Y.XmlText(token)]);
    fragment.insert(fragment.length, [paragraph]);
  });
}

describe.each(versionStores)('a restore on $name while others type and one is offline', ({ open }) => {
  let running: RunningServer;
  let clients: TestClient[] = [];
  let cleanup: () => Promise<void> = async () => {};
  afterEach(async () => {
    destroyClients(clients);
    clients = [];
    await running?.close();
    await cleanup();
  });

  it('converges everyone and keeps the concurrent typing, the other roots and the offline edits', async () => {
    const opened = await open();
    cleanup = opened.cleanup;
    running = await startServer({ store: opened.store, versions: { automatic: false } });
    const [ada, bob, cyd] = await Promise.all(['a', 'b', 'c'].map(() => connectSynced(running.url, 'shared')));
    clients.push(ada!, bob!, cyd!);
    const paragraph = new Y.XmlElement('paragraph');
    paragraph.insert(0, [new Y.XmlText('Title. ')]);
    ada!.doc.getXmlFragment('default').insert(0, [paragraph]);
    await whenSaved(ada!);
    await waitFor(() => cyd!.doc.getXmlFragment('default').length === 1, 'cyd has the title');

    // Cyd goes offline before the version and edits the paragraph that existed then.
    cyd!.provider.disconnect();
    firstParagraph(cyd!.doc).insert(firstParagraph(cyd!.doc).length, 'Offline note.');

    const typed: Record<string, string[]> = { a: [], b: [] };
    const typeRound = (round: string) => {
      for (const [name, client] of [
        ['a', ada!],
        ['b', bob!],
      ] as const) {
        const token = `${name}${round}`;
        typed[name]!.push(token);
        type(client, token);
      }
    };
    for (let i = 0; i < 5; i++) typeRound(`v${i}`);
    await Promise.all([whenSaved(ada!), whenSaved(bob!)]);
    const version = await running.server.versions.create('shared', { name: 'before the sprint' });
    const atVersion = new Y.Doc();
    Y.applyUpdate(atVersion, await running.server.versions.get('shared', version.id));

    for (let i = 0; i < 5; i++) typeRound(`after${i}`);
    await Promise.all([whenSaved(ada!), whenSaved(bob!)]);
    // Typing goes on while the restore runs: what reaches the server before the revert is
    // computed is reverted in the editor root, the rest is kept; both converge.
    let round = 0;
    const typing = setInterval(() => typeRound(`during${round++}`), 2);
    const restored = await bob!.provider.versions.restore(version.id);
    clearInterval(typing);
    const afterTokens: string[] = [];
    for (let i = 0; i < 3; i++) {
      typeRound(`later${i}`);
      afterTokens.push(`a later${i}`, `b later${i}`);
    }
    await Promise.all([whenSaved(ada!), whenSaved(bob!)]);
    cyd!.provider.connect();
    await waitFor(() => converged([ada!.doc, bob!.doc, cyd!.doc]) && cyd!.provider.pendingCount === 0, 'all three converge', 15_000);

    const editor = ada!.doc.getXmlFragment('default').toString();
    const text = ada!.doc.getText('text').toString();
    // Every token typed, before, during and after the restore, is kept in the root not restored.
    for (const token of [...typed.a!, ...typed.b!]) expect(text).toContain(`${token} `);
    // The editor root went back to the version; what was typed after the restore is there too.
    for (const token of afterTokens) expect(editor).toContain(token.replace(' ', ''));
    for (let i = 0; i < 5; i++) {
      expect(editor).toContain(`av${i}`);
      expect(editor).not.toContain(`aafter${i}<`);
      expect(editor).not.toContain(`bafter${i}<`);
    }
    // The offline edit, made before the version, merged into the restored paragraph.
    expect(editor).toContain('Title. Offline note.');
    expect(restored.restore.restoreOf).toBe(version.id);
    // The server holds what the clients hold.
    const handle = await running.server.openDocument('shared');
    expect(allContent(handle.doc)).toEqual(allContent(ada!.doc));
    expect(Y.encodeStateVector(handle.doc)).toEqual(Y.encodeStateVector(ada!.doc));
    await handle.release();
    atVersion.destroy();
  });
});
