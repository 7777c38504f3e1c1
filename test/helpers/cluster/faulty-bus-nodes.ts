import { randomBytes } from 'node:crypto';
import { type TestService, startTestService } from '../ops/service.js';
import { FaultProxy } from './fault-proxy.js';
import { REDIS_URL, dropSchema, postgresUrlFor, uniqueSchema } from './services.js';

export interface FaultyBusNodes {
  /** The nodes in the order of `links`: `true` reaches Redis through `link`, `false` directly. */
  nodes: TestService[];
  /** The proxy between the faulty nodes and Redis (`set('blackhole')`, delays, resets). */
  link: FaultProxy;
}

/**
 * CLI nodes on a fresh PostgreSQL schema and Redis prefix, some of them behind one fault proxy on
 * their Redis link; everything started is pushed onto `cleanup` (run in reverse by the test).
 */
export async function startFaultyBusNodes(
  cleanup: (() => Promise<void> | void)[],
  schemaName: string,
  links: readonly { behindProxy: boolean; id: string }[],
  extraArgs: readonly string[] = [],
): Promise<FaultyBusNodes> {
  const schema = uniqueSchema(schemaName);
  cleanup.push(() => dropSchema(schema));
  const busUrl = `${REDIS_URL}?prefix=quire-test-${randomBytes(4).toString('hex')}`;
  const link = await FaultProxy.start(Number(new URL(REDIS_URL).port));
  cleanup.push(() => link.close());
  const nodes: TestService[] = [];
  cleanup.push(() => Promise.all(nodes.map((node) => node.shutdown('test over'))).then(() => {}));
  for (const { behindProxy, id } of links) {
    const bus = behindProxy ? link.urlFor(busUrl) : busUrl;
    nodes.push(await startTestService(['--store', postgresUrlFor(schema), '--bus', bus, '--node-id', id, ...extraArgs], 'leveldb'));
  }
  return { nodes, link };
}
