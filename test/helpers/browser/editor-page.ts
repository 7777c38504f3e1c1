/**
 * Drives the example editor the way a person does (clicks, keyboard) and reads what the page
 * shows (data-testid elements). The document content is read from the editor itself, because
 * the editable DOM also holds collaborators' caret labels.
 */
import type { BrowserContext, Page } from 'playwright-core';

/** What `window.quire` (see examples/rich-text/src/main.ts) offers the tests. */
interface QuireWindow {
  quire?: {
    docName: string;
    provider: { synced: boolean; status: string; pendingCount: number };
    editor: {
      getText(): string;
      getJSON(): unknown;
      isFocused: boolean;
      commands: { focus(position: 'start' | 'end'): boolean };
    };
  };
}

export type SaveState = 'loading' | 'offline' | 'pending' | 'refused' | 'saved' | 'read-only';
export type ConnectionStatus = 'connecting' | 'connected' | 'disconnected';

const WAIT = { timeout: 20_000 };

export class EditorPage {
  private constructor(readonly page: Page) {}

  /** Opens the editor at `url` (e.g. `http://127.0.0.1:3000/?name=Ada#doc`) and waits for sync. */
  static async open(context: BrowserContext, url: string): Promise<EditorPage> {
    const page = await context.newPage();
    const editorPage = new EditorPage(page);
    // Surface page errors in the test output: a thrown error in the app is a failure to explain.
    page.on('pageerror', (error) => console.error(`[page ${url}] ${error.message}`));
    await page.goto(url);
    await editorPage.waitForSynced();
    return editorPage;
  }

  get editable() {
    return this.page.locator('[data-testid="editor"] .ProseMirror');
  }

  async waitForSynced(): Promise<void> {
    await this.page.waitForFunction(() => (window as unknown as QuireWindow).quire?.provider.synced === true, null, WAIT);
  }

  /** Puts the caret at the end of the document and types like a person, key by key. */
  async typeAtEnd(text: string, delayMs = 15): Promise<void> {
    await this.waitForEditor();
    await this.editable.click();
    await this.placeCaret('end');
    await this.page.keyboard.type(text, { delay: delayMs });
  }

  /**
   * Moves the caret to the start or the end of the document. Tiptap's focus command moves the
   * selection at once but focuses the view in an animation frame: keys pressed before that frame
   * land where the caret was, so wait for two frames and for the focus.
   */
  async placeCaret(position: 'start' | 'end'): Promise<void> {
    await this.page.evaluate(async (where) => {
      const { editor } = (window as unknown as QuireWindow).quire!;
      editor.commands.focus(where);
      await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    }, position);
    await this.page.waitForFunction(() => (window as unknown as QuireWindow).quire!.editor.isFocused, null, WAIT);
  }

  async press(key: string): Promise<void> {
    await this.page.keyboard.press(key);
  }

  async text(): Promise<string> {
    await this.waitForEditor();
    return this.page.evaluate(() => (window as unknown as QuireWindow).quire!.editor.getText());
  }

  /** The editor's code loads after the page's frame (a lazy chunk): wait for it after a (re)load. */
  async waitForEditor(): Promise<void> {
    await this.page.waitForFunction(() => (window as unknown as QuireWindow).quire !== undefined, null, WAIT);
  }

  async json(): Promise<unknown> {
    await this.waitForEditor();
    return this.page.evaluate(() => (window as unknown as QuireWindow).quire!.editor.getJSON());
  }

  async waitForText(predicate: (text: string) => boolean, what: string): Promise<string> {
    const deadline = Date.now() + WAIT.timeout;
    for (;;) {
      const text = await this.text();
      if (predicate(text)) return text;
      if (Date.now() > deadline) throw new Error(`page never showed ${what}; it shows ${JSON.stringify(text)}`);
      await this.page.waitForTimeout(50);
    }
  }

  async connectionStatus(): Promise<string | null> {
    return this.page.getAttribute('[data-testid="status"]', 'data-status');
  }

  async waitForConnectionStatus(status: ConnectionStatus): Promise<void> {
    await this.page.waitForSelector(`[data-testid="status"][data-status="${status}"]`, WAIT);
  }

  async saveState(): Promise<string | null> {
    return this.page.getAttribute('[data-testid="saved"]', 'data-state');
  }

  async waitForSaveState(state: SaveState): Promise<void> {
    await this.page.waitForSelector(`[data-testid="saved"][data-state="${state}"]`, WAIT);
  }

  /** Names on the collaborators' carets drawn in this page's editor. */
  async remoteCaretNames(): Promise<string[]> {
    return this.page.$$eval('[data-testid="editor"] .collaboration-carets__caret', (carets) =>
      carets.map((caret) => (caret as HTMLElement).querySelector('.collaboration-carets__label')?.textContent ?? ''),
    );
  }

  async waitForRemoteCaret(name: string): Promise<void> {
    await this.page.waitForFunction(
      (expected) =>
        [...document.querySelectorAll('[data-testid="editor"] .collaboration-carets__label')].some(
          (label) => label.textContent === expected,
        ),
      name,
      WAIT,
    );
  }

  /** Names in the "here now" list, this tab first. */
  async presenceNames(): Promise<string[]> {
    return this.page.$$eval('[data-testid="presence-user"]', (rows) => rows.map((row) => (row as HTMLElement).dataset['name'] ?? ''));
  }

  async waitForPresence(names: string[]): Promise<void> {
    await this.page.waitForFunction(
      (expected) => {
        const shown = [...document.querySelectorAll<HTMLElement>('[data-testid="presence-user"]')].map((row) => row.dataset['name']);
        return expected.every((name) => shown.includes(name)) && shown.length === expected.length;
      },
      names,
      WAIT,
    );
  }

  async screenshot(path: string): Promise<void> {
    await this.page.screenshot({ path, fullPage: false });
  }
}
