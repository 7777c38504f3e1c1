/**
 * The server process dies and comes back: the open page reconnects by itself with its content
 * intact, edits made while the server was down reach it, and a reload shows the stored document.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EditorPage } from '../helpers/browser/editor-page.js';
import { startBrowserSuite, type BrowserSuite } from '../helpers/browser/suite.js';

describe('a server restart under an open editor', () => {
  let suite: BrowserSuite;
  let ada: EditorPage;

  beforeAll(async () => {
    suite = await startBrowserSuite();
    ada = await suite.openEditor('Ada', 'restart');
  });

  afterAll(async () => {
    await suite?.close();
  });

  it('reconnects by itself, keeps the content, and a reload shows the stored document', async () => {
    await ada.typeAtEnd('Saved before the crash.');
    await ada.waitForSaveState('saved');

    await suite.server.stop('SIGKILL');
    await ada.page.waitForSelector('[data-testid="status"]:not([data-status="connected"])');
    await ada.typeAtEnd(' Typed while the server was down.');
    await ada.waitForSaveState('pending');

    await suite.server.start();
    await ada.waitForConnectionStatus('connected');
    await ada.waitForSynced();
    await ada.waitForSaveState('saved');
    const expected = 'Saved before the crash. Typed while the server was down.';
    expect(await ada.text()).toBe(expected);

    await ada.page.reload();
    await ada.waitForSynced();
    expect(await ada.text()).toBe(expected);

    // A person who never had the page open gets the stored document too.
    const grace = await suite.openEditor('Grace', 'restart');
    expect(await grace.text()).toBe(expected);
  });
});
