/**
 * Two tabs of one browser on the same document, both cut off from the server: an edit in one
 * appears in the other at once (BroadcastChannel), and both reach the server once it is back.
 * Also: a tab that is being hidden (pagehide) takes its cursor away from the others at once.
 */
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EditorPage } from '../helpers/browser/editor-page.js';
import { type BrowserSuite, startBrowserSuite } from '../helpers/browser/suite.js';
import { type TcpProxy, startTcpProxy } from '../helpers/browser/tcp-proxy.js';

describe('tabs of one browser', () => {
  let suite: BrowserSuite;
  let proxy: TcpProxy;
  let sameBrowser: BrowserContext;

  beforeAll(async () => {
    suite = await startBrowserSuite();
    proxy = await startTcpProxy(suite.server.port);
    sameBrowser = await suite.browser.newContext({ viewport: { width: 1200, height: 760 } });
  });
  afterAll(async () => {
    await sameBrowser?.close().catch(() => {});
    await proxy?.close();
    await suite?.close();
  });

  it('see each other’s edits live while offline, and the server gets them all afterwards', async () => {
    const first = await EditorPage.open(sameBrowser, `${proxy.url}/?name=Ada#two-tabs`);
    const second = await EditorPage.open(sameBrowser, `${proxy.url}/?name=Ada#two-tabs`);
    await first.typeAtEnd('Online. ');
    await second.waitForText((text) => text === 'Online. ', 'the online edit');

    proxy.cut();
    for (const tab of [first, second])
      await tab.page.waitForSelector('[data-testid="status"][data-display="offline"]', { timeout: 30_000 });
    await first.typeAtEnd('From the first tab. ');
    await second.waitForText((text) => text.includes('From the first tab.'), 'the first tab’s offline edit');
    await second.typeAtEnd('From the second tab.');
    const both = await first.waitForText((text) => text.includes('From the second tab.'), 'the second tab’s offline edit');
    expect(proxy.openConnections).toBe(0);
    await second.screenshot(suite.artifact('two-tabs-offline.png'));

    proxy.restore();
    await first.waitForSaveState('saved');
    await second.waitForSaveState('saved');
    // Someone in another browser opens the document straight from the server.
    const reader = await suite.openEditor('Grace', 'two-tabs');
    await reader.waitForText((text) => text === both, 'both tabs’ edits from the server');
  });

  it('removes a hidden tab’s cursor at once, and brings it back when the page is shown again', async () => {
    const leaving = await suite.openEditor('Leaving', 'page-hide');
    const watching = await suite.openEditor('Watching', 'page-hide');
    await watching.waitForPresence(['Watching', 'Leaving']);
    // As the browser fires it when the tab closes or goes into the back/forward cache; the
    // connection stays open, so only the page-hide handling can tell the others.
    await leaving.page.evaluate(() => window.dispatchEvent(new PageTransitionEvent('pagehide', { persisted: true })));
    await watching.waitForPresence(['Watching']);
    await leaving.page.evaluate(() => window.dispatchEvent(new PageTransitionEvent('pageshow', { persisted: true })));
    await watching.waitForPresence(['Watching', 'Leaving']);
  });
});
