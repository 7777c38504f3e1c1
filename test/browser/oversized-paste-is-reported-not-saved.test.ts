/**
 * A paste larger than the server's per-update cap is not stored: the page must say so in words,
 * keep saying so after more typing (never "All changes saved"), and recover once it is undone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EditorPage } from '../helpers/browser/editor-page.js';
import { startBrowserSuite, type BrowserSuite } from '../helpers/browser/suite.js';

const CAP = 1024 * 1024;

describe('an oversized paste in the editor', () => {
  let suite: BrowserSuite;
  let ada: EditorPage;

  beforeAll(async () => {
    suite = await startBrowserSuite({ QUIRE_MAX_ASSEMBLED_UPDATE_BYTES: String(CAP) });
    ada = await suite.openEditor('Ada', 'oversized-paste');
  });

  afterAll(async () => {
    await suite?.close();
  });

  it('shows the refusal instead of "All changes saved", and saves again once the paste is undone', async () => {
    await ada.typeAtEnd('Before the paste. ');
    await ada.waitForSaveState('saved');
    // The editor's undo manager merges changes less than 500 ms apart into one undo step: the two
    // undos below must each take back one change (the keystroke, then the paste), however fast the
    // save and the refusal come.
    await ada.page.waitForTimeout(700);

    await ada.page.evaluate((size) => {
      const data = new DataTransfer();
      data.setData('text/plain', 'x'.repeat(size));
      document
        .querySelector('[data-testid="editor"] .ProseMirror')!
        .dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    }, 2 * CAP);
    await ada.waitForSaveState('refused');
    const shown = await ada.page.textContent('[data-testid="saved"]');
    expect(shown).toMatch(/Not saved/);
    expect(shown).toMatch(/too large/);
    await ada.screenshot(suite.artifact('oversized-paste-refused.png'));

    // One more keystroke, the moment the old provider claimed "saved"; past the 500 ms grouping,
    // so that it is an undo step of its own, not merged into the paste's.
    await ada.page.waitForTimeout(700);
    await ada.press('!');
    await ada.page.waitForTimeout(1_500);
    expect(await ada.saveState()).toBe('refused');

    // A reader never sees the paste.
    const grace = await suite.openEditor('Grace', 'oversized-paste');
    expect(await grace.text()).toBe('Before the paste. ');

    // Undo the keystroke, then the paste.
    await ada.press('Control+z');
    await ada.press('Control+z');
    await ada.waitForText((text) => text === 'Before the paste. ', 'the document without the paste');
    await ada.waitForSaveState('saved');
    await grace.waitForText((text) => text === 'Before the paste. ', 'the saved document');
    expect(await ada.page.textContent('[data-testid="saved"]')).toBe('All changes saved');
  });
});
