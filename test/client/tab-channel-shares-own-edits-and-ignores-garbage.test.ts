/**
 * The BroadcastChannel between tabs, exercised in Node (which has BroadcastChannel too) with two
 * providers that never reach a server: own edits cross, a late tab catches up, garbage on the
 * channel is ignored, and what crossed is not queued a second time for the server.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { type TestClient, connectClient, destroyClients } from '../helpers/clients.js';
import { type RunningServer, startServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait-for.js';

const UNREACHABLE = 'http://127.0.0.1:9';

describe('the tab channel', () => {
  let clients: TestClient[] = [];
  let channels: BroadcastChannel[] = [];
  afterEach(() => {
    destroyClients(clients);
    clients = [];
    for (const channel of channels) channel.close();
    channels = [];
  });
  const tab = (docName: string) => {
    const client = connectClient(UNREACHABLE, docName, { crossTab: true, connect: false });
    clients.push(client);
    return client;
  };

  it('carries each tab’s own edits to the others without queueing them twice', async () => {
    const first = tab('shared-by-tabs');
    const second = tab('shared-by-tabs');
    first.doc.getText('text').insert(0, 'from the first tab');
    await waitFor(() => second.doc.getText('text').toString() === 'from the first tab', 'the edit in the second tab');
    second.doc.getText('text').insert(0, '>> ');
    await waitFor(() => first.doc.getText('text').toString() === '>> from the first tab', 'the answer in the first tab');
    // Each tab owes the server only what it typed itself.
    expect(first.provider.pendingCount).toBe(1);
    expect(second.provider.pendingCount).toBe(1);
  });

  it('brings a tab opened later up to date', async () => {
    const early = tab('late-joiner');
    early.doc.getMap('map').set('written', 'before the second tab opened');
    const late = tab('late-joiner');
    await waitFor(() => late.doc.getMap('map').get('written') === 'before the second tab opened', 'the late tab to catch up');
  });

  it('keeps documents apart and ignores what it cannot read', async () => {
    const one = tab('doc-one');
    const other = tab('doc-two');
    const name = `y-quire:${UNREACHABLE}:/socket.io:doc-one`;
    const intruder = new BroadcastChannel(name);
    channels.push(intruder);
    const session = 's'.repeat(32);
    const garbage = [
      null,
      'text',
      { kind: 'update', update: 'not bytes', sessions: [] },
      { kind: 'update', update: new Uint8Array([255, 1, 2, 3]), sessions: [session] },
      { kind: 'update', update: new Uint8Array([0, 0]), sessions: 'not a list' },
      { kind: 'update', update: new Uint8Array([0, 0]), sessions: ['short'] },
      { kind: 'hello' },
      { kind: 'other' },
    ];
    for (const message of garbage) {
      intruder.postMessage(message);
    }
    const valid = new Y.Doc();
    valid.getText('text').insert(0, 'still works');
    intruder.postMessage({ kind: 'update', update: Y.encodeStateAsUpdate(valid), sessions: [session] });
    await waitFor(() => one.doc.getText('text').toString() === 'still works', 'the valid update after the garbage');
    expect(other.doc.getText('text').toString()).toBe('');
    expect(one.provider.pendingCount).toBe(0);
  });

  it('lets the tab that reconnects first deliver another tab’s edits, each once', async () => {
    let running: RunningServer | null = null;
    try {
      running = await startServer();
      const url = running.url;
      const open = () => {
        const client = connectClient(url, 'tabs-then-server', { crossTab: true, connect: false });
        clients.push(client);
        return client;
      };
      const first = open();
      const second = open();
      // Online first, so the server knows the first tab's client id as that tab's.
      first.provider.connect();
      second.provider.connect();
      first.doc.getText('text').insert(0, 'online. ');
      await waitFor(() => first.provider.pendingCount === 0 && second.doc.getText('text').length > 0, 'the online edit saved');
      first.provider.disconnect();
      second.provider.disconnect();
      first.doc.getText('text').insert(first.doc.getText('text').length, 'typed in the first tab. ');
      await waitFor(() => second.doc.getText('text').toString().includes('first tab'), 'the edit in the second tab');
      second.doc.getText('text').insert(second.doc.getText('text').length, 'typed in the second tab.');
      await waitFor(() => first.doc.getText('text').toString().endsWith('second tab.'), 'the answer in the first tab');

      // The second tab reaches the server first: its handshake carries the first tab's edit,
      // written under the first tab's client id, which the server must accept from it.
      second.provider.connect();
      await waitFor(() => second.provider.synced && second.provider.pendingCount === 0, 'the second tab saved');
      first.provider.connect();
      await waitFor(() => first.provider.synced && first.provider.pendingCount === 0, 'the first tab saved');

      const reader = connectClient(url, 'tabs-then-server');
      clients.push(reader);
      await reader.provider.whenSynced();
      expect(reader.doc.getText('text').toString()).toBe('online. typed in the first tab. typed in the second tab.');
    } finally {
      await running?.close();
    }
  });
});
