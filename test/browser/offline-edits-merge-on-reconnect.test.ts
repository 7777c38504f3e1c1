/**
 * A page whose network drops keeps editing; its edits wait (the saved indicator says so), and
 * when the network returns both people converge and the indicator goes back to saved.
 *
 * The page reaches the server through a TCP proxy the test cuts: Chromium's offline emulation
 * would leave the open WebSocket alive.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EditorPage } from '../helpers/browser/editor-page.js';
import { startBrowserSuite, type BrowserSuite } from '../helpers/browser/suite.js';
import { startTcpProxy, type TcpProxy } from '../helpers/browser/tcp-proxy.js';

describe('editing through a network cut', () => {
  let suite: BrowserSuite;
  let proxy: TcpProxy;
  let ada: EditorPage;
  let grace: EditorPage;

  beforeAll(async () => {
    suite = await startBrowserSuite();
    proxy = await startTcpProxy(suite.server.port);
    ada = await suite.openEditor('Ada', 'network-cut', proxy.url);
    grace = await suite.openEditor('Grace', 'network-cut');
  });

  afterAll(async () => {
    await proxy?.close();
    await suite?.close();
  });

  it('keeps edits made offline, marks them pending, and merges both sides when the network returns', async () => {
    await ada.typeAtEnd('Written online.');
    await grace.waitForText((text) => text === 'Written online.', 'Ada’s online edit');
    await ada.waitForSaveState('saved');

    proxy.cut();
    await ada.waitForConnectionStatus('disconnected');

    await ada.typeAtEnd(' Written offline by Ada.');
    await ada.waitForSaveState('pending');
    expect(Number(await ada.page.getAttribute('[data-testid="saved"]', 'data-pending'))).toBeGreaterThan(0);
    await grace.typeAtEnd(' Grace, still online.');
    await grace.waitForSaveState('saved');

    // Neither direction crosses the cut: Grace's saved edit does not reach Ada, Ada's does not
    // reach Grace, and every reconnect attempt is refused.
    expect(await ada.text()).toBe('Written online. Written offline by Ada.');
    expect(await grace.text()).toBe('Written online. Grace, still online.');
    expect(proxy.openConnections).toBe(0);
    expect(await ada.saveState()).toBe('pending');

    proxy.restore();
    await ada.waitForConnectionStatus('connected');
    await ada.waitForSaveState('saved');
    expect(await ada.page.getAttribute('[data-testid="saved"]', 'data-pending')).toBe('0');

    const adaText = await ada.waitForText((text) => text.includes('Grace, still online.'), 'Grace’s edit');
    await grace.waitForText((text) => text === adaText, 'the same text as Ada');
    expect(adaText).toContain('Written offline by Ada.');
    expect(await ada.json()).toEqual(await grace.json());
  });
});
