/**
 * The reload case in a real browser: Chromium with the IndexedDB offline store. A tab edits while
 * the server process is down and is closed at once; a new tab on the same origin restores the
 * edits, and they reach the server when it is back.
 * The page script is test/offline/browser/page-entry.ts, bundled here with esbuild; the server is
 * the offline suite's child-process fixture, restarted on the same port and data directory.
 */
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { waitFor } from '../helpers/wait-for.js';
import { closeClients, openClient, text } from '../helpers/offline/offline-client.js';
import { ServerProcesses } from '../helpers/server-process.js';
import { removeTempDirs, tempDir } from '../helpers/temp-dir.js';
import { launchChromium } from '../helpers/browser/chromium.js';

const servers = new ServerProcesses({ unloadGraceMs: 50, anyOrigin: true });
let browser: Browser | undefined;
let pageServer: Server | undefined;
let pageOrigin = '';

interface PageState {
  text: string;
  pendingCount: number;
  synced: boolean;
  status: string;
}

declare const quireTest: {
  open(url: string, docName: string, databaseName: string): Promise<void>;
  append(text: string): void;
  whenStored(): Promise<void>;
  state(): PageState;
};

beforeAll(async () => {
  const bundled = await build({
    entryPoints: [fileURLToPath(new URL('../offline/browser/page-entry.ts', import.meta.url))],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    write: false,
  });
  const script = bundled.outputFiles[0]!.text;
  // A page origin that stays up while the quire server is down: IndexedDB belongs to it.
  pageServer = createServer((req, res) => {
    if (req.url === '/bundle.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    else res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><script src="/bundle.js"></script>');
  });
  await new Promise<void>((resolve) => pageServer!.listen(0, '127.0.0.1', resolve));
  pageOrigin = `http://127.0.0.1:${(pageServer.address() as AddressInfo).port}`;
  browser = await launchChromium();
});

afterEach(async () => {
  closeClients();
  await servers.crashAll();
  await removeTempDirs();
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => (pageServer === undefined ? resolve(null) : pageServer.close(resolve)));
});

it('a tab closed while offline loses nothing: the next tab restores it from IndexedDB and it reaches the server', async () => {
  const data = await tempDir('offline');
  const first = await servers.start(data);
  const context = await browser!.newContext();
  const tab = await context.newPage();
  await tab.goto(pageOrigin);
  await tab.evaluate(([url]) => quireTest.open(url!, 'browser-doc', 'quire-offline'), [first.url]);
  await tab.waitForFunction(() => quireTest.state().synced);
  await tab.evaluate(() => quireTest.append('Online. '));
  await tab.waitForFunction(() => quireTest.state().pendingCount === 0);

  await first.crash();
  await tab.waitForFunction(() => !quireTest.state().synced);
  await tab.evaluate(() => {
    quireTest.append('Typed ');
    quireTest.append('offline.');
  });
  expect((await tab.evaluate(() => quireTest.state())).pendingCount).toBe(2);
  // Closed at once, without waiting for the store.
  await tab.close();

  const reopened = await context.newPage();
  await reopened.goto(pageOrigin);
  await reopened.evaluate(([url]) => quireTest.open(url!, 'browser-doc', 'quire-offline'), [first.url]);
  const restored = await reopened.evaluate(() => quireTest.state());
  expect(restored).toMatchObject({ text: 'Online. Typed offline.', pendingCount: 2, synced: false });

  await servers.start(data, first.port);
  await reopened.waitForFunction(() => quireTest.state().synced && quireTest.state().pendingCount === 0);
  const reader = openClient(first.url, 'browser-doc');
  await waitFor(() => text(reader) === 'Online. Typed offline.', 'the server has the offline edits');
  await context.close();
});
