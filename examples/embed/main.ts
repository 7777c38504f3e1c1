/**
 * Runs the embed example: starts the app with quire attached, then plays one round as two
 * clients would — an app event over the app's own namespace and a shared document over quire,
 * both on the app's Socket.io endpoint — and prints what each side sees.
 *
 *   npx tsx examples/embed/main.ts           # one round, then exit
 *   npx tsx examples/embed/main.ts --serve   # keep serving on port 3001
 */
import { io as connectApp } from 'socket.io-client';
import * as Y from 'yjs';
import { QuireProvider } from 'y-quire/client';
import { SOCKET_PATH, startEmbeddedApp } from './app.js';

const serve = process.argv.includes('--serve');
const app = await startEmbeddedApp({ port: serve ? 3001 : 0 });
console.log(`app listening on ${app.url} (Socket.io at ${SOCKET_PATH})`);

const health = await fetch(`${app.url}/api/health`).then((res) => res.json());
console.log('GET /api/health ->', health);

// The app's own realtime feature keeps working next to quire.
const alice = connectApp(app.url, { path: SOCKET_PATH });
const bob = connectApp(app.url, { path: SOCKET_PATH });
const heard = new Promise<string>((resolve) => bob.once('chat', resolve));
await new Promise<void>((resolve) => bob.on('connect', resolve));
const ack = await alice.emitWithAck('chat', 'hello from the app');
console.log(`app event: bob heard ${JSON.stringify(await heard)}, alice got ack ${JSON.stringify(ack)}`);

// A quire document over the same endpoint: the provider needs the app's Socket.io path.
const doc = new Y.Doc();
const provider = new QuireProvider(app.url, 'welcome', doc, { path: SOCKET_PATH });
await provider.whenSynced();
doc.getText('text').insert(0, 'Written by a quire client.');
await new Promise<void>((resolve) => provider.once('saved', resolve));
const stored = await fetch(`${app.url}/api/documents/welcome/text`).then((res) => res.json());
console.log('GET /api/documents/welcome/text ->', stored);

if (!serve) {
  provider.destroy();
  alice.close();
  bob.close();
  await app.close();
}
