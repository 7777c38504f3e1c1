/**
 * A server started with a JWT secret: the editor explains what it needs (a token, how to pass
 * it) instead of a bare red error, accepts `?token=` and takes it out of the address bar, and
 * says so when the token does not grant the document.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testSecret, tokenFor } from '../helpers/tokens.js';
import { EditorPage } from '../helpers/browser/editor-page.js';
import { type BrowserSuite, startBrowserSuite } from '../helpers/browser/suite.js';

const VIEWPORTS = { desktop: { width: 1200, height: 760 }, phone: { width: 390, height: 844 } } as const;

describe('the editor against a server that checks tokens', () => {
  let suite: BrowserSuite;
  const contexts: BrowserContext[] = [];

  const page = async (viewport: { width: number; height: number }): Promise<Page> => {
    const context = await suite.browser.newContext({ viewport });
    contexts.push(context);
    return context.newPage();
  };
  const problem = async (shown: Page) => {
    await shown.waitForSelector('[data-testid="doc-problem"]:not([hidden])', { timeout: 20_000 });
    return {
      title: await shown.textContent('[data-testid="problem-title"]'),
      body: await shown.textContent('[data-testid="problem-body"]'),
    };
  };

  beforeAll(async () => {
    suite = await startBrowserSuite({ QUIRE_JWT_SECRET: testSecret });
  });
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await suite?.close();
  });

  for (const [name, viewport] of Object.entries(VIEWPORTS)) {
    it(`asks for a token and says how to give one (${name})`, async () => {
      const shown = await page(viewport);
      await shown.goto(`${suite.server.url}/?name=Ada#team-notes`);
      const { title, body } = await problem(shown);
      await shown.screenshot({ path: suite.artifact(`sign-in-needed-${name}.png`) });
      expect(title).toBe('This server asks for a sign-in token');
      expect(body).toContain('?token=<JWT>');
      expect(body).toContain('--jwt-secret');
      expect(body).toContain('The server said:');
      expect(await shown.isVisible('[data-testid="editor"]')).toBe(false);
    });
  }

  it('opens the document with ?token= and takes the token out of the address bar', async () => {
    const context = await suite.browser.newContext({ viewport: VIEWPORTS.desktop });
    contexts.push(context);
    const token = tokenFor({ 'team-notes': 'write' });
    const editor = await EditorPage.open(context, `${suite.server.url}/?name=Ada&token=${token}#team-notes`);
    expect(editor.page.url()).not.toContain('token');
    expect(await editor.page.isHidden('[data-testid="doc-problem"]')).toBe(true);
    await editor.typeAtEnd('signed in');
    await editor.waitForSaveState('saved');
    // A reload in the same tab keeps the token (sessionStorage), not the address.
    await editor.page.reload();
    await editor.waitForSynced();
    expect(await editor.text()).toBe('signed in');
  });

  it('says when the token does not grant this document', async () => {
    const shown = await page(VIEWPORTS.desktop);
    await shown.goto(`${suite.server.url}/?token=${tokenFor({ 'other-doc': 'write' })}#team-notes`);
    const { title, body } = await problem(shown);
    await shown.screenshot({ path: suite.artifact('sign-in-no-access-desktop.png') });
    expect(title).toBe('Your token does not open this document');
    expect(body).toContain('"team-notes"');
  });
});
