/**
 * What each browser test file needs: a quire server child process on a fresh data directory,
 * one Chromium, and a fresh browser context (its own storage: a separate person) per user.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext } from 'playwright-core';
import { launchChromium } from './chromium.js';
import { EditorPage } from './editor-page.js';
import { ServerProcess } from '../server-process.js';
import { makeTempDir } from '../temp-dir.js';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
export const EDITOR_BUILD_DIR = join(repoRoot, 'dist/examples/rich-text');
export const ARTIFACTS_DIR = join(repoRoot, 'test-artifacts');

export interface BrowserSuite {
  server: ServerProcess;
  browser: Browser;
  /** Opens `docName` as `name` in a new context, through `origin` (default: the server itself). */
  openEditor(name: string, docName: string, origin?: string): Promise<EditorPage>;
  artifact(fileName: string): string;
  close(): Promise<void>;
}

/** `serverEnv`: environment for the server process (limits, see test/helpers/processes/leveldb-server.ts). */
export async function startBrowserSuite(serverEnv: Record<string, string> = {}): Promise<BrowserSuite> {
  const dataDir = await makeTempDir('browser');
  const server = await ServerProcess.start({ dataDir: dataDir.path, staticDir: EDITOR_BUILD_DIR, env: serverEnv });
  const browser = await launchChromium();
  const contexts: BrowserContext[] = [];
  mkdirSync(ARTIFACTS_DIR, { recursive: true });

  return {
    server,
    browser,
    async openEditor(name, docName, origin = server.url) {
      const context = await browser.newContext({ viewport: { width: 1200, height: 760 } });
      contexts.push(context);
      return EditorPage.open(context, `${origin}/?name=${encodeURIComponent(name)}#${encodeURIComponent(docName)}`);
    },
    artifact: (fileName) => join(ARTIFACTS_DIR, fileName),
    async close() {
      for (const context of contexts) await context.close().catch(() => {});
      await browser.close();
      await server.stop('SIGTERM');
      await dataDir.remove();
    },
  };
}
