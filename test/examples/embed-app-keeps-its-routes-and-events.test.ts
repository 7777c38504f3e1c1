/**
 * The embed example: quire attached to an app's existing HTTP and Socket.io servers (custom
 * path) serves documents while the app's own routes and events keep working.
 */
import { io as connectApp, type Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { QuireProvider } from '../../client/index.js';
import { SOCKET_PATH, startEmbeddedApp, type EmbeddedApp } from '../../examples/embed/app.js';

describe('quire embedded in an existing app', () => {
  let app: EmbeddedApp | undefined;
  const cleanups: (() => void)[] = [];

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) cleanup();
    await app?.close();
  });

  it("keeps the app's routes and events while serving documents on the app's Socket.io path", async () => {
    app = await startEmbeddedApp();

    expect(await fetch(`${app.url}/api/health`).then((res) => res.json())).toEqual({ ok: true });

    const alice: Socket = connectApp(app.url, { path: SOCKET_PATH });
    const bob: Socket = connectApp(app.url, { path: SOCKET_PATH });
    cleanups.push(
      () => alice.close(),
      () => bob.close(),
    );
    const heard = new Promise<string>((resolve) => bob.once('chat', resolve));
    await new Promise<void>((resolve) => bob.on('connect', resolve));
    expect(await alice.emitWithAck('chat', 'hi')).toBe('delivered');
    expect(await heard).toBe('hi');

    const doc = new Y.Doc();
    const provider = new QuireProvider(app.url, 'notes', doc, { path: SOCKET_PATH });
    cleanups.push(() => provider.destroy());
    await provider.whenSynced();
    const saved = new Promise<void>((resolve) => provider.once('saved', resolve));
    doc.getText('text').insert(0, 'shared');
    await saved;

    expect(await fetch(`${app.url}/api/documents/notes/text`).then((res) => res.json())).toEqual({ text: 'shared' });
  });
});
