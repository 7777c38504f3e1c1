/**
 * Two people in two browsers edit one document at the same time: both end with the same
 * content, and each sees the other's caret and presence under the other's name.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EditorPage } from '../helpers/browser/editor-page.js';
import { startBrowserSuite, type BrowserSuite } from '../helpers/browser/suite.js';

describe('two people editing one document', () => {
  let suite: BrowserSuite;
  let ada: EditorPage;
  let grace: EditorPage;

  beforeAll(async () => {
    suite = await startBrowserSuite();
    ada = await suite.openEditor('Ada', 'two-people');
    grace = await suite.openEditor('Grace', 'two-people');
  });

  afterAll(async () => {
    await suite?.close();
  });

  it('ends with identical content when both type at once in different places', async () => {
    await ada.typeAtEnd('Meeting notes');
    await ada.press('Enter');
    await ada.page.keyboard.type('Decisions:');
    await grace.waitForText((text) => text.includes('Decisions:'), 'Ada’s first lines');

    // Ada prepends to the first line while Grace appends to the last one, at the same time.
    await ada.placeCaret('start');
    await grace.typeAtEnd('');
    await Promise.all([ada.page.keyboard.type('Draft: ', { delay: 20 }), grace.page.keyboard.type(' ship on Friday', { delay: 20 })]);

    const expected = 'Draft: Meeting notes\n\nDecisions: ship on Friday';
    await ada.waitForText((text) => text === expected, 'both edits');
    await grace.waitForText((text) => text === expected, 'both edits');
    expect(await ada.json()).toEqual(await grace.json());
  });

  it('ends with identical content when both type at the same spot', async () => {
    await Promise.all([ada.typeAtEnd(' alpha beta gamma', 25), grace.typeAtEnd(' ONE TWO THREE', 25)]);

    await ada.waitForSaveState('saved');
    await grace.waitForSaveState('saved');
    const adaText = await ada.waitForText((text) => text.includes('gamma') && text.includes('THREE'), 'both edits');
    await grace.waitForText((text) => text === adaText, 'the same text as Ada');
    expect(await ada.json()).toEqual(await grace.json());
    // Nothing typed was lost: every character each of them typed is in the result.
    const typed = (text: string) => [...text].sort().join('');
    const before = 'Draft: Meeting notesDecisions: ship on Friday';
    expect(typed(adaText.replaceAll('\n', ''))).toBe(typed(before + ' alpha beta gamma' + ' ONE TWO THREE'));
  });

  it("shows each person the other's caret and presence under the right name", async () => {
    await ada.waitForRemoteCaret('Grace');
    await grace.waitForRemoteCaret('Ada');
    expect(await ada.remoteCaretNames()).toEqual(['Grace']);
    expect(await grace.remoteCaretNames()).toEqual(['Ada']);

    await ada.waitForPresence(['Ada', 'Grace']);
    await grace.waitForPresence(['Grace', 'Ada']);
    // This tab is listed first.
    expect(await ada.presenceNames()).toEqual(['Ada', 'Grace']);
    expect(await grace.presenceNames()).toEqual(['Grace', 'Ada']);
    expect(await ada.connectionStatus()).toBe('connected');

    // Select a word in Grace's page so Ada's screenshot shows a remote selection too.
    await grace.page.evaluate(() =>
      (
        window as unknown as { quire: { editor: { commands: { setTextSelection(r: { from: number; to: number }): void } } } }
      ).quire.editor.commands.setTextSelection({ from: 8, to: 15 }),
    );
    await ada.page.waitForSelector('[data-testid="editor"] .ProseMirror-yjs-selection');
    await ada.screenshot(suite.artifact('two-people-ada.png'));
    await grace.screenshot(suite.artifact('two-people-grace.png'));
  });
});
