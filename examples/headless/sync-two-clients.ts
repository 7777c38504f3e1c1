/**
 * Two Node clients editing one document through a quire server, printing what each sees.
 *
 *   npx tsx examples/headless/sync-two-clients.ts            # starts its own in-memory server
 *   npx tsx examples/headless/sync-two-clients.ts http://127.0.0.1:3000   # uses a running server
 */
import * as Y from 'yjs';
import { QuireProvider } from 'y-quire/client';
import { createServer } from 'y-quire/server';

const givenUrl = process.argv[2];
const server = givenUrl === undefined ? createServer() : null;
const url = givenUrl ?? (await server!.listen(0, '127.0.0.1')).url;

const docName = `headless-${Date.now()}`;
const alice = { doc: new Y.Doc(), name: 'alice' };
const bob = { doc: new Y.Doc(), name: 'bob' };
const providers = [alice, bob].map(({ doc }) => new QuireProvider(url, docName, doc));

for (const { doc, name } of [alice, bob]) {
  doc.getText('text').observe(() => process.stdout.write(`${name} sees: ${doc.getText('text').toString()}\n`));
}
await Promise.all(providers.map((provider) => provider.whenSynced()));

alice.doc.getText('text').insert(0, 'Hello from Alice. ');
await new Promise((resolve) => setTimeout(resolve, 100));
bob.doc.getText('text').insert(bob.doc.getText('text').length, 'And Bob answers.');

// Wait until Bob's edit is durable on the server and Alice has it.
await new Promise<void>((resolve) => {
  const check = () => {
    if (providers[1]!.pendingCount === 0 && alice.doc.getText('text').toString().includes('Bob')) resolve();
    else setTimeout(check, 20);
  };
  check();
});
process.stdout.write(`final: ${alice.doc.getText('text').toString()}\n`);
for (const provider of providers) provider.destroy();
await server?.close();
