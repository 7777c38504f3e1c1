/**
 * "New document" gives a fresh, empty document under a new shareable address, and the address
 * alone is enough for someone else to join it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EditorPage } from '../helpers/browser/editor-page.js';
import { startBrowserSuite, type BrowserSuite } from '../helpers/browser/suite.js';

describe('the new document button', () => {
  let suite: BrowserSuite;
  let ada: EditorPage;

  beforeAll(async () => {
    suite = await startBrowserSuite();
    ada = await suite.openEditor('Ada', 'first-document');
  });

  afterAll(async () => {
    await suite?.close();
  });

  it('opens an empty document at a new address that others can join', async () => {
    await ada.typeAtEnd('Text of the first document.');
    await ada.waitForSaveState('saved');

    await ada.page.click('[data-testid="new-doc"]');
    await ada.page.waitForFunction(() => window.location.hash !== '#first-document');
    await ada.waitForSynced();
    const newName = decodeURIComponent(new URL(ada.page.url()).hash.slice(1));
    expect(newName).toMatch(/^[a-z0-9]{10}$/);
    expect(await ada.page.textContent('[data-testid="doc-name"]')).toBe(newName);
    expect(await ada.text()).toBe('');

    await ada.typeAtEnd('Text of the second document.');
    await ada.waitForSaveState('saved');
    const grace = await suite.openEditor('Grace', newName);
    await grace.waitForText((text) => text === 'Text of the second document.', 'the new document');

    // Back returns to the first document, whose content is still there.
    await ada.page.goBack();
    await ada.waitForText((text) => text === 'Text of the first document.', 'the first document');
    expect(await ada.page.textContent('[data-testid="doc-name"]')).toBe('first-document');
  });
});
