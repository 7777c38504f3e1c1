/**
 * Invariant 6 in the real editor: a page reloaded while its network is down still opens (its
 * files come from the service worker), shows the document and the edits the server has not
 * acknowledged (from IndexedDB), and those edits reach the server when the network returns.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EditorPage } from '../helpers/browser/editor-page.js';
import { startBrowserSuite, type BrowserSuite } from '../helpers/browser/suite.js';
import { startTcpProxy, type TcpProxy } from '../helpers/browser/tcp-proxy.js';

interface StoredWindow {
  quire: { provider: { whenStored(): Promise<void> } };
}

describe('reloading the editor while offline', () => {
  let suite: BrowserSuite;
  let proxy: TcpProxy;
  let ada: EditorPage;

  beforeAll(async () => {
    suite = await startBrowserSuite();
    proxy = await startTcpProxy(suite.server.port);
    ada = await suite.openEditor('Ada', 'offline-reload', proxy.url);
  });

  afterAll(async () => {
    await proxy?.close();
    await suite?.close();
  });

  it('opens from the service worker with the unsent edits, which reach the server once back online', async () => {
    await ada.typeAtEnd('Written online.');
    await ada.waitForSaveState('saved');
    // The worker has precached the editor and controls the page.
    await ada.page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 20_000 });

    proxy.cut();
    await ada.waitForConnectionStatus('disconnected');
    await ada.typeAtEnd(' Written offline.');
    await ada.waitForSaveState('pending');
    await ada.page.evaluate(() => (window as unknown as StoredWindow).quire.provider.whenStored());

    await ada.page.reload();
    await ada.waitForText((text) => text === 'Written online. Written offline.', 'the restored document');
    await ada.waitForSaveState('pending');
    expect(proxy.openConnections).toBe(0);

    proxy.restore();
    await ada.waitForConnectionStatus('connected');
    await ada.waitForSaveState('saved');
    const grace = await suite.openEditor('Grace', 'offline-reload');
    expect(await grace.text()).toBe('Written online. Written offline.');
  });
});
