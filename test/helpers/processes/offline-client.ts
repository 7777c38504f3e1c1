/**
 * A Node client in its own process, for tests that crash it while it is offline:
 *   node --import tsx test/helpers/processes/offline-client.ts --url URL --dir DIR --doc NAME --words "a b c"
 * Types each word in its own event-loop turn into a provider on a FileOfflineStore, prints
 * {"stored": count} once the store has every edit, then waits to be killed.
 */
import { parseArgs } from 'node:util';
import * as Y from 'yjs';
import { QuireProvider } from '../../../client/index.js';
import { FileOfflineStore } from '../../../client/offline/file-store.js';

const { values } = parseArgs({
  options: { url: { type: 'string' }, dir: { type: 'string' }, doc: { type: 'string' }, words: { type: 'string' } },
});
if (!values.url || !values.dir || !values.doc || !values.words) throw new Error('--url, --dir, --doc and --words are required');

const doc = new Y.Doc();
const provider = new QuireProvider(values.url, values.doc, doc, {
  offline: new FileOfflineStore({ directory: values.dir }),
  reconnectionDelay: 50,
  reconnectionDelayMax: 200,
});
await provider.whenRestored();
for (const word of values.words.split(' ')) {
  const text = doc.getText('text');
  text.insert(text.length, `${word} `);
  await new Promise((resolve) => setImmediate(resolve));
}
await provider.whenStored();
process.stdout.write(`${JSON.stringify({ stored: provider.pendingCount })}\n`);
setInterval(() => {}, 60_000);
