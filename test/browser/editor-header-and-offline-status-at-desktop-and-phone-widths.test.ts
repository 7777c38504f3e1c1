/**
 * The editor's frame at a desktop and a phone width: an opaque one-row header with the toolbar
 * right under it when scrolled, a document name that fits, "Offline" (not "Connecting…" or
 * "Waiting for the server…") through an outage, and a shareable address for an empty `?doc=`.
 * Screenshots go to test-artifacts/ for a look by eye.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EditorPage } from '../helpers/browser/editor-page.js';
import { type BrowserSuite, startBrowserSuite } from '../helpers/browser/suite.js';
import { type TcpProxy, startTcpProxy } from '../helpers/browser/tcp-proxy.js';

const WIDTHS = [
  { name: 'desktop', viewport: { width: 1200, height: 760 } },
  { name: 'phone', viewport: { width: 390, height: 844 } },
] as const;

/** Where the header, toolbar and document name are on screen. */
async function frameGeometry(page: Page) {
  return page.evaluate(() => {
    const rect = (selector: string) => document.querySelector(selector)!.getBoundingClientRect();
    const topbar = rect('.topbar');
    const toolbar = rect('[data-testid="toolbar"]');
    const name = document.querySelector<HTMLElement>('[data-testid="doc-name"]')!;
    const probe = document.elementFromPoint(200, topbar.bottom + 2);
    const pieces = [...document.querySelectorAll('.topbar > *')].map((child) => child.getBoundingClientRect());
    return {
      topbarBackground: getComputedStyle(document.querySelector('.topbar')!).backgroundColor,
      topbarHeight: topbar.height,
      topbarBottom: topbar.bottom,
      toolbarTop: toolbar.top,
      underTheHeaderIsToolbar: probe?.closest('[data-testid="toolbar"]') !== null,
      nameFits: name.scrollWidth <= name.clientWidth,
      nameWidth: name.clientWidth,
      oneRow: pieces.every((piece) => piece.top >= topbar.top && piece.bottom <= topbar.bottom),
    };
  });
}

describe('the editor frame', () => {
  let suite: BrowserSuite;
  let proxy: TcpProxy;
  const contexts: BrowserContext[] = [];

  const open = async (viewport: { width: number; height: number }, url: string): Promise<EditorPage> => {
    const context = await suite.browser.newContext({ viewport });
    contexts.push(context);
    return EditorPage.open(context, url);
  };

  beforeAll(async () => {
    suite = await startBrowserSuite();
    proxy = await startTcpProxy(suite.server.port);
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await proxy?.close();
    await suite?.close();
  });

  for (const { name, viewport } of WIDTHS) {
    it(`keeps an opaque one-row header with the toolbar right under it when scrolled (${name})`, async () => {
      const editor = await open(viewport, `${suite.server.url}/?name=Ada#mobile-notes`);
      await editor.page.evaluate(() => {
        const quire = (window as unknown as { quire: { editor: { commands: { insertContent(html: string): boolean } } } }).quire;
        const paragraphs = Array.from({ length: 60 }, (_, i) => `<p>Paragraph ${i + 1}: text that must never show through the header.</p>`);
        quire.editor.commands.insertContent(paragraphs.join(''));
      });
      await editor.page.mouse.wheel(0, 1500);
      await editor.page.waitForFunction(() => window.scrollY > 1000);
      const geometry = await frameGeometry(editor.page);
      await editor.screenshot(suite.artifact(`frame-scrolled-${name}.png`));

      expect(geometry.topbarBackground).toBe('rgb(255, 255, 255)');
      expect(Math.abs(geometry.toolbarTop - geometry.topbarBottom)).toBeLessThanOrEqual(1);
      expect(geometry.underTheHeaderIsToolbar).toBe(true);
      expect(geometry.oneRow).toBe(true);
      expect(geometry.topbarHeight).toBeLessThanOrEqual(57);
      expect(geometry.nameFits).toBe(true);
      expect(await editor.page.textContent('[data-testid="doc-name"]')).toBe('mobile-notes');
    });

    it(`says "Offline" throughout an outage, not "Connecting…" (${name})`, async () => {
      const editor = await open(viewport, `${proxy.url}/?name=Grace#outage-${name}`);
      await editor.waitForSaveState('saved');
      proxy.cut();
      await editor.page.waitForSelector('[data-testid="status"][data-display="offline"]', { timeout: 20_000 });

      // The provider keeps retrying (its status moves between connecting and disconnected); the
      // page must go on saying the same thing.
      const seen = new Set<string>();
      const statuses = new Set<string>();
      for (let sample = 0; sample < 20; sample++) {
        seen.add(`${await editor.page.textContent('[data-testid="status"]')} | ${await editor.page.textContent('[data-testid="saved"]')}`);
        statuses.add((await editor.connectionStatus()) ?? '');
        await editor.page.waitForTimeout(200);
      }
      await editor.screenshot(suite.artifact(`offline-${name}.png`));
      expect([...seen]).toEqual(['Offline | Edits are kept on this device']);
      expect(await editor.saveState()).toBe('offline');
      expect(statuses.has('connecting') || statuses.has('disconnected')).toBe(true);

      await editor.typeAtEnd('typed offline');
      await editor.waitForSaveState('pending');
      expect(await editor.page.textContent('[data-testid="saved"]')).toBe('Saved on this device, will sync when back online');
      await editor.screenshot(suite.artifact(`offline-pending-${name}.png`));
      proxy.restore();
      await editor.waitForSaveState('saved');
      expect(await editor.page.textContent('[data-testid="status"]')).toBe('Online');
    });
  }

  it('opens a fresh document for an empty ?doc= and puts its name in the address', async () => {
    const editor = await open(WIDTHS[0].viewport, `${suite.server.url}/?doc=&name=Ada`);
    const address = new URL(editor.page.url());
    expect(address.searchParams.has('doc')).toBe(false);
    expect(address.searchParams.get('name')).toBe('Ada');
    expect(address.hash).toMatch(/^#[a-z2-9]{10}$/);
    expect(await editor.page.textContent('[data-testid="doc-name"]')).toBe(address.hash.slice(1));
  });
});
