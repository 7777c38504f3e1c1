/**
 * Cluster nodes as real processes (the CLI through tsx) on the machine's shared PostgreSQL and
 * Redis, with a schema and channel prefix of their own: for behaviour across nodes that needs a
 * node to die (`kill -9`) but no fault in PostgreSQL or Redis (those use cluster.ts beside this file).
 */
import { randomBytes } from 'node:crypto';
import { CliProcess } from '../ops/cli-process.js';
import { REDIS_URL, dropSchema, postgresUrlFor, uniqueSchema } from './services.js';

export interface NodeProcesses {
  nodes: CliProcess[];
  storeUrl: string;
  /** Starts one more node (or again one that was killed) with these extra flags. */
  start(nodeId: string, extraArgs?: string[]): Promise<CliProcess>;
  close(): Promise<void>;
}

export async function startNodeProcesses(count: number, extraArgs: string[] = []): Promise<NodeProcesses> {
  const schema = uniqueSchema('procs');
  const storeUrl = postgresUrlFor(schema);
  const busUrl = `${REDIS_URL}?prefix=quire-test-${randomBytes(4).toString('hex')}`;
  const nodes: CliProcess[] = [];
  const start = async (nodeId: string, args: string[] = extraArgs) => {
    const node = await CliProcess.start(['--store', storeUrl, '--bus', busUrl, '--node-id', nodeId, '--unload-grace-ms', '200', ...args]);
    nodes.push(node);
    return node;
  };
  try {
    // One at a time: the first creates the schema.
    for (let i = 0; i < count; i++) await start(`node-${i + 1}`);
  } catch (error) {
    nodes.forEach((node) => node.kill());
    throw error;
  }
  return {
    nodes,
    storeUrl,
    start,
    async close() {
      const running = nodes.filter((node) => node.child.exitCode === null && node.child.signalCode === null);
      await Promise.all(running.map((node) => node.stop('SIGKILL')));
      await dropSchema(schema);
    },
  };
}
