/**
 * The editor's history panel: save a named version, preview it with the changes since
 * highlighted (added and deleted text), restore it after a confirmation that names who else is
 * editing — and the restore reaches a second person's page live.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EditorPage } from '../helpers/browser/editor-page.js';
import { startBrowserSuite, type BrowserSuite } from '../helpers/browser/suite.js';

describe('version history in the editor', () => {
  let suite: BrowserSuite;
  let ada: EditorPage;
  let grace: EditorPage;

  beforeAll(async () => {
    suite = await startBrowserSuite();
    ada = await suite.openEditor('Ada', 'history');
    grace = await suite.openEditor('Grace', 'history');
  });

  afterAll(async () => {
    await suite?.close();
  });

  it('previews a version with insertions and deletions highlighted and restores it for everyone', async () => {
    await ada.typeAtEnd('The first draft.');
    await ada.waitForSaveState('saved');
    await ada.page.fill('[data-testid="version-name"]', 'Draft 1');
    await ada.page.click('[data-testid="save-version"]');
    await grace.page.waitForSelector('[data-testid="version"][data-kind="named"]', { timeout: 20_000 });
    expect(await grace.page.textContent('[data-testid="version"] .version-name')).toBe('Draft 1');
    expect(await grace.page.textContent('[data-testid="version"] .version-authors')).toBe('anonymous');

    // After the version: a deletion at the start and an insertion at the end.
    await ada.placeCaret('start');
    for (let i = 0; i < 4; i++) await ada.press('Delete');
    await ada.typeAtEnd(' Added later.');
    await ada.waitForSaveState('saved');
    await grace.waitForText((text) => text === 'first draft. Added later.', 'Ada’s later edits');

    await grace.page.click('[data-testid="version"][data-kind="named"] button');
    await grace.page.waitForSelector('[data-testid="preview"]:not([hidden]) ychange.ychange-added', { timeout: 20_000 });
    const preview = grace.page.locator('[data-testid="preview-editor"]');
    expect(await preview.locator('ychange.ychange-added').allTextContents()).toEqual([' Added later.']);
    expect(await preview.locator('ychange.ychange-removed').allTextContents()).toEqual(['The ']);
    expect(await grace.page.isVisible('[data-testid="editor"]')).toBe(false);
    await grace.screenshot(suite.artifact('version-preview.png'));

    let confirmation = '';
    grace.page.once('dialog', (dialog) => {
      confirmation = dialog.message();
      void dialog.accept();
    });
    await grace.page.click('[data-testid="restore-version"]');
    await ada.waitForText((text) => text === 'The first draft.', 'the restored version, live');
    await grace.waitForText((text) => text === 'The first draft.', 'the restored version');
    expect(confirmation).toContain('Restore “Draft 1”');
    expect(confirmation).toContain('Ada is editing right now');
    await grace.page.waitForSelector('[data-testid="preview"]', { state: 'hidden' });
    await ada.page.waitForSelector('[data-testid="version"][data-kind="restore"]', { timeout: 20_000 });
    expect(
      await ada.page.locator('[data-testid="version"]').evaluateAll((rows) => rows.map((row) => (row as HTMLElement).dataset['kind'])),
    ).toEqual(['restore', 'backup', 'named']);
    await ada.screenshot(suite.artifact('version-history-after-restore.png'));

    // Editing goes on normally after the restore.
    await ada.typeAtEnd(' More.');
    await grace.waitForText((text) => text === 'The first draft. More.', 'editing after the restore');
  });
});
