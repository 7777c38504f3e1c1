/**
 * Cluster nodes in this process, assembled exactly as the CLI does (`--store`, `--bus`,
 * `--node-id`), on the machine's shared PostgreSQL and Redis with a schema and channel prefix of
 * their own. For behaviour that needs no process to die; the fault scenarios use real processes
 * (test/helpers/cluster/cluster.ts).
 */
import { randomBytes } from 'node:crypto';
import { type TestService, startTestService } from '../ops/service.js';
import { REDIS_URL, dropSchema, postgresUrlFor, uniqueSchema } from './services.js';

export interface InProcessCluster {
  nodes: TestService[];
  storeUrl: string;
  /** Redis channel prefix of this cluster (`<prefix>:doc:<hash>`). */
  busPrefix: string;
  start(nodeId: string, extraArgs?: string[]): Promise<TestService>;
  close(): Promise<void>;
}

export async function startInProcessCluster(count: number, extraArgs: string[] = []): Promise<InProcessCluster> {
  const schema = uniqueSchema('nodes');
  const storeUrl = postgresUrlFor(schema);
  const busPrefix = `quire-test-${randomBytes(4).toString('hex')}`;
  const busUrl = `${REDIS_URL}?prefix=${busPrefix}`;
  const nodes: TestService[] = [];
  const start = async (nodeId: string, args: string[] = extraArgs) => {
    const node = await startTestService(['--store', storeUrl, '--bus', busUrl, '--node-id', nodeId, ...args], 'leveldb');
    nodes.push(node);
    return node;
  };
  for (let i = 0; i < count; i++) await start(`node-${i + 1}`);
  return {
    nodes,
    storeUrl,
    busPrefix,
    start,
    async close() {
      await Promise.all(nodes.map((node) => node.shutdown('test over')));
      await dropSchema(schema);
    },
  };
}
