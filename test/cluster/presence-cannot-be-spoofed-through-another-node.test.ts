/**
 * On one node a connection can only set or remove the awareness states it introduced
 * (test/security/awareness-spoofing-is-refused.test.ts). Through another node, a client id whose
 * owner is connected elsewhere is unknown there, so that node lets an attacker claim it: the
 * node holding the real owner must not let the forged state replace its own client's, for its
 * clients (the victim included) or for the others.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { type TestClient, connectSynced, destroyClients } from '../helpers/clients.js';
import { REDIS_URL, dropSchema, postgresReachable, postgresUrlFor, redisReachable, uniqueSchema } from '../helpers/cluster/services.js';
import { type TestService, startTestService } from '../helpers/ops/service.js';
import { type RawSocket, connectRaw, syncRaw } from '../helpers/raw-socket.js';
import { delay, waitFor } from '../helpers/wait-for.js';

function forgedState(clientId: number, state: Record<string, unknown>, clock: number): Uint8Array {
  const doc = new Y.Doc();
  doc.clientID = clientId;
  const awareness = new awarenessProtocol.Awareness(doc);
  awareness.setLocalState(state);
  awareness.meta.set(clientId, { clock, lastUpdated: 0 });
  const update = awarenessProtocol.encodeAwarenessUpdate(awareness, [clientId]);
  awareness.destroy();
  return update;
}

describe.skipIf(!postgresReachable || !redisReachable)('presence forged through another node', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  it("does not replace the owner's state on the owner's node, nor for long anywhere", async () => {
    const schema = uniqueSchema('spoof_presence');
    cleanup.push(() => dropSchema(schema));
    const prefix = `quire-test-${randomBytes(4).toString('hex')}`;
    const busUrl = `${REDIS_URL}?prefix=${prefix}`;
    // Every bus message of the test, to tell an exchange that settles from one that never stops.
    const { Redis } = await import('ioredis');
    const listener = new Redis(REDIS_URL);
    cleanup.push(() => void listener.disconnect());
    let messages = 0;
    listener.on('pmessage', () => messages++);
    await listener.psubscribe(`${prefix}:doc:*`);
    const nodes: TestService[] = [];
    cleanup.push(() => Promise.all(nodes.map((node) => node.shutdown('test over'))).then(() => {}));
    for (const id of ['node-1', 'node-2', 'node-3'])
      nodes.push(await startTestService(['--store', postgresUrlFor(schema), '--bus', busUrl, '--node-id', id], 'leveldb'));
    const clients: TestClient[] = [];
    cleanup.push(() => destroyClients(clients));

    const victim = await connectSynced(nodes[0]!.url, 'doc');
    const besideVictim = await connectSynced(nodes[0]!.url, 'doc');
    const elsewhere = await connectSynced(nodes[2]!.url, 'doc');
    clients.push(victim, besideVictim, elsewhere);
    victim.provider.awareness.setLocalStateField('user', 'victim');
    const userSeenBy = (client: TestClient) => client.provider.awareness.getStates().get(victim.doc.clientID)?.user;
    await waitFor(() => [besideVictim, elsewhere].every((c) => userSeenBy(c) === 'victim'), 'the victim seen everywhere');

    const attacker: RawSocket = await connectRaw(nodes[1]!.url, 'doc', { session: 'attacker-session-cross-node' });
    cleanup.push(() => void attacker.close());
    await syncRaw(attacker);
    attacker.emit('awareness', forgedState(victim.doc.clientID, { user: 'evil' }, 1_000));
    await delay(500);

    // The owner's node keeps the owner's state, for the victim itself and beside it.
    expect(victim.provider.awareness.getLocalState()?.user).toBe('victim');
    expect(userSeenBy(besideVictim)).toBe('victim');
    // The other nodes get the owner's state back.
    await waitFor(() => userSeenBy(elsewhere) === 'victim', 'the victim restored on the other nodes', 3_000, 20);
    // And the nodes do not answer each other on and on.
    const settled = messages;
    await delay(3_000);
    expect(messages - settled).toBeLessThanOrEqual(2);
    expect(userSeenBy(elsewhere)).toBe('victim');
  }, 30_000);
});
