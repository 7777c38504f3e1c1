/**
 * The BroadcastChannel between tabs, exercised in Node (which has BroadcastChannel too) with two
 * providers that never reach a server: own edits cross, a late tab catches up, garbage on the
 * channel is ignored, and what crossed is not queued a second time for the server.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { type TestClient, connectClient, destroyClients } from '../helpers/clients.js';
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
    for (const garbage of [null, 'text', { kind: 'update', update: 'not bytes' }, { kind: 'update', update: new Uint8Array([255, 1, 2, 3]) }, { kind: 'hello' }, { kind: 'other' }]) {
      intruder.postMessage(garbage);
    }
    const valid = new Y.Doc();
    valid.getText('text').insert(0, 'still works');
    intruder.postMessage({ kind: 'update', update: Y.encodeStateAsUpdate(valid) });
    await waitFor(() => one.doc.getText('text').toString() === 'still works', 'the valid update after the garbage');
    expect(other.doc.getText('text').toString()).toBe('');
    expect(one.provider.pendingCount).toBe(0);
  });
});
