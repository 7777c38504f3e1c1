/**
 * redis-server paused (SIGSTOP) longer than the heartbeats' life, then resumed: no connection
 * breaks, so no node sees a reconnect, but every heartbeat key has expired meanwhile. The nodes'
 * liveness checks were stuck on their commands, and resume all at once: two checks of one node can
 * then come a few milliseconds apart, before the others renewed. A live node must not be judged
 * dead for that (its clients' cursors would vanish from the others until they move them).
 */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { type TestClient, connectSynced, destroyClients } from '../helpers/clients.js';
import { PrivateRedis, privateRedisAvailable } from '../helpers/cluster/private-redis.js';
import { dropSchema, postgresReachable, postgresUrlFor, uniqueSchema } from '../helpers/cluster/services.js';
import { type TestService, startTestService } from '../helpers/ops/service.js';
import { delay, waitFor } from '../helpers/wait-for.js';

const NODES = 3;

describe.skipIf(!postgresReachable || !privateRedisAvailable)('a paused redis-server', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  it('resumed after the heartbeats expired, has no live node judged dead', async () => {
    const schema = uniqueSchema('paused_redis');
    cleanup.push(() => dropSchema(schema));
    const redis = await PrivateRedis.start();
    cleanup.push(() => redis.kill());
    const pid = (redis as unknown as { child: { pid: number } }).child.pid;
    const busUrl = `${redis.url}?prefix=quire-${randomBytes(4).toString('hex')}`;
    const nodes: TestService[] = [];
    cleanup.push(() => Promise.all(nodes.map((node) => node.shutdown('test over'))).then(() => {}));
    for (let i = 0; i < NODES; i++) {
      nodes.push(await startTestService(['--store', postgresUrlFor(schema), '--bus', busUrl, '--node-id', `node-${i + 1}`], 'leveldb'));
    }
    const clients: TestClient[] = [];
    cleanup.push(() => destroyClients(clients));
    for (const node of nodes) clients.push(await connectSynced(node.url, 'doc'));
    for (const [i, client] of clients.entries()) client.provider.awareness.setLocalState({ user: `user-${i + 1}` });
    const everyoneSeesEveryone = () =>
      clients.every((watcher) => clients.every((other) => watcher.provider.awareness.getStates().has(other.doc.clientID)));
    await waitFor(everyoneSeesEveryone, 'every client sees every other');

    process.kill(pid, 'SIGSTOP');
    await delay(4_500);
    process.kill(pid, 'SIGCONT');

    const vanished: string[] = [];
    const until = Date.now() + 6_000;
    while (Date.now() < until) {
      for (const [i, watcher] of clients.entries())
        for (const [j, other] of clients.entries())
          if (!watcher.provider.awareness.getStates().has(other.doc.clientID)) vanished.push(`${j + 1} from ${i + 1}`);
      await delay(50);
    }
    const verdicts = nodes.flatMap((node) => node.logs.lines.filter((line) => String(line.msg).includes('another node stopped answering')));
    expect({ verdicts: verdicts.length, vanished: [...new Set(vanished)] }).toEqual({ verdicts: 0, vanished: [] });
  }, 60_000);
});
