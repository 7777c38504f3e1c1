/**
 * kill -9 of a node whose client has a cursor: the client fails over to another node, and the
 * others must keep seeing its cursor. The nodes that held its state from the dead node will judge
 * that node gone a few seconds later and remove what it introduced; the client that came back
 * through another node is not a ghost of the dead one, and its state must stay.
 *
 * The client announces itself one awareness clock further when it connects (a state re-sent at
 * the clock it had is ignored wherever that clock is already held, here the state relayed from the
 * dead node), so the new node learns the client is now its own (awareness-relay.ts takes it over).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type TestClient, connectClient, connectSynced, destroyClients } from '../helpers/clients.js';
import { type NodeProcesses, startNodeProcesses } from '../helpers/cluster/node-processes.js';
import { postgresReachable, redisReachable } from '../helpers/cluster/services.js';
import { StickyProxy } from '../helpers/cluster/sticky-proxy.js';
import { delay, waitFor } from '../helpers/wait-for.js';

const portOf = (url: string) => Number(new URL(url).port);

describe.skipIf(!postgresReachable || !redisReachable)('the presence of a client that fails over', () => {
  let nodes: NodeProcesses | null = null;
  let proxy: StickyProxy | null = null;
  const clients: TestClient[] = [];
  afterEach(async () => {
    destroyClients(clients.splice(0));
    await proxy?.close();
    await nodes?.close();
  });

  it('stays on every node after its old node is found dead', async () => {
    nodes = await startNodeProcesses(3);
    const [dying, survivor, third] = nodes.nodes as [
      NonNullable<NodeProcesses['nodes'][0]>,
      NodeProcesses['nodes'][0],
      NodeProcesses['nodes'][0],
    ];
    // The balancer sends the moving client to the node about to die, then to the survivor.
    proxy = await StickyProxy.start([portOf(dying.url), null]);
    const watchers = [await connectSynced(survivor!.url, 'doc'), await connectSynced(third!.url, 'doc')];
    clients.push(...watchers);
    const mover = connectClient(proxy.url, 'doc', { transports: ['websocket'] } as never);
    clients.push(mover);
    await mover.provider.whenSynced();
    mover.provider.awareness.setLocalState({ user: 'mover' });
    const seesMover = (watcher: TestClient) => watcher.provider.awareness.getStates().get(mover.doc.clientID)?.user === 'mover';
    await waitFor(() => watchers.every(seesMover), 'every watcher sees the mover');

    proxy.targets[0] = null;
    proxy.targets[1] = portOf(survivor!.url);
    await dying.stop('SIGKILL');
    await waitFor(() => mover.provider.synced && mover.provider.status === 'connected', 'the mover back through the survivor', 15_000);
    await waitFor(() => watchers.every(seesMover), 'every watcher sees the mover after its failover', 5_000);

    // The dead node is judged gone within about 3-5 s; the mover must be seen all along.
    const lost: string[] = [];
    const until = Date.now() + 8_000;
    while (Date.now() < until) {
      for (const [i, watcher] of watchers.entries())
        if (!seesMover(watcher)) lost.push(`watcher ${i + 1} at ${8_000 - (until - Date.now())} ms`);
      await delay(100);
    }
    expect(lost.slice(0, 5)).toEqual([]);
  }, 60_000);
});
