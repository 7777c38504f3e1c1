import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { QuireProvider } from '../../client/index.js';
import { writerKeyOf } from '../../server/core/client-id-owners.js';
import { PostgresStore } from '../../server/persistence/postgres-store.js';
import { converged } from '../helpers/convergence.js';
import { type TestClient, connectSynced, destroyClients } from '../helpers/clients.js';
import type { RawSocket } from '../helpers/raw-socket.js';
import { waitFor } from '../helpers/wait-for.js';
import { StickyProxy } from '../helpers/cluster/sticky-proxy.js';
import { type NodeProcesses, startNodeProcesses } from '../helpers/cluster/node-processes.js';
import { type UpdateAnswer, writeUnderClientId } from '../helpers/cluster/write-under-client-id.js';
import { postgresReachable, redisReachable } from '../helpers/cluster/services.js';

/**
 * The attack of test/security/forged-client-ids-are-refused.test.ts, across nodes: the victim
 * claimed its Yjs client id through one node, the forger writes under it through another node
 * that already held the document (so it learned nothing of the claim at load).
 */
describe.skipIf(!postgresReachable || !redisReachable)('a Yjs client id claimed through one node', () => {
  let cluster: NodeProcesses;
  let clients: TestClient[] = [];
  let raw: RawSocket[] = [];
  let balancer: StickyProxy | null = null;

  beforeEach(async () => {
    cluster = await startNodeProcesses(3);
  }, 60_000);

  afterEach(async () => {
    destroyClients(clients);
    for (const socket of raw) socket.close();
    clients = [];
    raw = [];
    await balancer?.close();
    balancer = null;
    await cluster.close();
  });

  const writeAs = (url: string, session: string, clientId: number, text: string, declare = false) =>
    writeUnderClientId(url, 'plan', { session, clientId, text, declare }, raw);

  const portOf = (url: string) => Number(new URL(url).port);

  it('is refused to a forger on another node, and its owner keeps it when it returns through a third node', async () => {
    const [first, second, third] = cluster.nodes.map((node) => node.url) as [string, string, string];
    // The second node holds the document before the victim claims anything.
    const bystander = await connectSynced(second, 'plan');
    clients.push(bystander);

    // The victim reaches the cluster through a load balancer that sends it to the first node.
    balancer = await StickyProxy.start([portOf(first)]);
    const doc = new Y.Doc();
    const victimId = doc.clientID;
    const victim = new QuireProvider(balancer.url, 'plan', doc);
    const notices: string[] = [];
    victim.on('notice', ({ code }) => notices.push(code));
    await victim.whenSynced();
    doc.getText('text').insert(0, 'Plan: ');
    await waitFor(() => victim.pendingCount === 0, 'the victim saved through the first node');
    victim.disconnect();
    doc.getText('text').insert(6, 'we agreed to ship on Friday.');

    const forged = await writeAs(second, 'forger-session-0123456789', victimId, 'we ship next year.');
    expect(forged).toMatchObject({ ok: false, code: 'CLIENT_ID_TAKEN', clientIds: [victimId] });
    const declaredToo = await writeAs(second, 'forger-session-9876543210', victimId, 'we ship never.', true);
    expect(declaredToo).toMatchObject({ ok: false, code: 'CLIENT_ID_TAKEN', clientIds: [victimId] });

    // The victim comes back; the balancer now sends it to the third node.
    balancer.targets[0] = portOf(third);
    victim.connect();
    await waitFor(() => victim.synced && victim.pendingCount === 0, 'the offline edit saved through the third node', 15_000);
    expect(notices).not.toContain('CLIENT_ID_TAKEN');
    expect(doc.clientID).toBe(victimId);
    for (const url of [first, second, third]) {
      const reader = await connectSynced(url, 'plan');
      clients.push(reader);
      await waitFor(
        () => reader.doc.getText('text').toString() === 'Plan: we agreed to ship on Friday.',
        `the node at ${url} to serve the victim's text`,
      );
    }
    victim.destroy();
    doc.destroy();
  }, 60_000);

  it('goes to exactly one of two sessions that claim it at once through two nodes, and only its text is kept', async () => {
    const [first, second] = cluster.nodes.map((node) => node.url) as [string, string];
    const rounds = 5;
    const sessions = (round: number) => [`alice-session-${round}-0123456789`, `bob-session-${round}-0123456789`] as const;
    const answers: UpdateAnswer[][] = [];
    for (let round = 0; round < rounds; round++) {
      const [alice, bob] = sessions(round);
      answers.push(
        await Promise.all([
          writeAs(first, alice, CONTESTED + round, `alice${round} `, true),
          writeAs(second, bob, CONTESTED + round, `bob${round} `, true),
        ]),
      );
    }
    const readers = await Promise.all([first, second].map((url) => connectSynced(url, 'plan')));
    clients.push(...readers);
    const words = () => readers[0]!.doc.getText('text').toString().trim().split(' ');
    await waitFor(() => converged(readers.map((r) => r.doc)) && words().length === rounds, 'one granted write per round on both nodes');
    const owners = await readOwners(cluster.storeUrl, 'plan');
    for (let round = 0; round < rounds; round++) {
      const kept = words().filter((word) => word.endsWith(String(round)));
      expect(kept, `round ${round}`).toHaveLength(1);
      const winner = kept[0]!.startsWith('alice') ? 0 : 1;
      // The session whose text is kept owns the id on every node; the other was refused, or (its
      // update reached a node after the winner's, at the same clocks) wrote nothing new there.
      expect(owners.get(CONTESTED + round)).toBe(writerKeyOf(sessions(round)[winner]));
      expect(answers[round]![winner]).toMatchObject({ ok: true });
      expect([true, 'CLIENT_ID_TAKEN']).toContain(answers[round]![1 - winner]!.ok || answers[round]![1 - winner]!.code);
    }
  }, 60_000);
});

const CONTESTED = 424_242;

async function readOwners(storeUrl: string, docName: string): Promise<Map<number, string>> {
  const store = await PostgresStore.open({ url: storeUrl });
  try {
    return await store.clientIdOwners.readClientIdOwners(docName);
  } finally {
    await store.close();
  }
}
