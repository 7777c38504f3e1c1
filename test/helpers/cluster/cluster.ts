/**
 * A whole cluster for fault tests: a private PostgreSQL and Redis the test may kill, three quire
 * node processes (the real CLI) each reaching PostgreSQL and Redis through a fault proxy of its
 * own, and a sticky test proxy in front of the nodes that clients connect to.
 */
import { CliProcess } from '../ops/cli-process.js';
import { FaultProxy } from './fault-proxy.js';
import { PrivatePostgres, privatePostgresAvailable } from './private-postgres.js';
import { PrivateRedis, privateRedisAvailable } from './private-redis.js';
import { type Routing, StickyProxy } from './sticky-proxy.js';

export const clusterHarnessAvailable = privatePostgresAvailable && privateRedisAvailable;

export interface ClusterOptions {
  nodes?: number;
  routing?: Routing;
  /** Extra CLI flags for every node. */
  nodeArgs?: string[];
  /** Connect the nodes straight to PostgreSQL and Redis, without fault proxies (benchmarks). */
  direct?: boolean;
}

export class ClusterHarness {
  readonly nodes: (CliProcess | null)[];

  private constructor(
    readonly postgres: PrivatePostgres,
    readonly redis: PrivateRedis,
    readonly postgresLinks: FaultProxy[],
    readonly redisLinks: FaultProxy[],
    readonly proxy: StickyProxy,
    private readonly nodeArgs: string[],
    private readonly direct: boolean,
  ) {
    this.nodes = postgresLinks.map(() => null);
  }

  static async start(options: ClusterOptions = {}): Promise<ClusterHarness> {
    const count = options.nodes ?? 3;
    const [postgres, redis] = await Promise.all([PrivatePostgres.start(), PrivateRedis.start()]);
    const postgresLinks = await Promise.all(Array.from({ length: count }, () => FaultProxy.start(postgres.port)));
    const redisLinks = await Promise.all(Array.from({ length: count }, () => FaultProxy.start(redis.port)));
    const proxy = await StickyProxy.start(
      Array.from({ length: count }, () => null),
      options.routing ?? 'sticky',
    );
    const harness = new ClusterHarness(postgres, redis, postgresLinks, redisLinks, proxy, options.nodeArgs ?? [], options.direct ?? false);
    // One at a time: the first creates the schema, and two cores are shared.
    for (let i = 0; i < count; i++) await harness.startNode(i);
    return harness;
  }

  get url(): string {
    return this.proxy.url;
  }

  /** The store URL the verifier uses: straight to PostgreSQL, not through any fault proxy. */
  get storeUrl(): string {
    return `${this.postgres.url}?schema=quire`;
  }

  node(i: number): CliProcess {
    const node = this.nodes[i];
    if (node === null || node === undefined) throw new Error(`node ${i + 1} is not running`);
    return node;
  }

  async startNode(i: number): Promise<CliProcess> {
    const node = await CliProcess.start([
      '--store',
      `${this.direct ? this.postgres.url : this.postgresLinks[i]!.urlFor(this.postgres.url)}?schema=quire`,
      '--bus',
      this.direct ? this.redis.url : this.redisLinks[i]!.urlFor(this.redis.url),
      '--node-id',
      `node-${i + 1}`,
      '--unload-grace-ms',
      '3000',
      // The typists type far faster than people.
      '--rate-updates',
      '5000/20000',
      '--compact-after-updates',
      '300',
      ...this.nodeArgs,
    ]);
    this.nodes[i] = node;
    this.proxy.targets[i] = Number(new URL(node.url).port);
    return node;
  }

  /** SIGKILL: no flush, no goodbye. Its clients reconnect through the proxy to another node. */
  async killNode(i: number): Promise<void> {
    this.proxy.targets[i] = null;
    await this.nodes[i]?.stop('SIGKILL');
    this.nodes[i] = null;
  }

  /** Fails when a node the test did not kill has exited (a crash), with the end of its log. */
  assertNodesAlive(): void {
    for (const [i, node] of this.nodes.entries()) {
      if (node !== null && (node.child.exitCode !== null || node.child.signalCode !== null)) {
        const fatal = node.stdout
          .split('\n')
          .filter((line) => line.includes('"level":60'))
          .join('\n');
        throw new Error(
          `node ${i + 1} exited on its own (${node.child.exitCode ?? node.child.signalCode}):\n${fatal || node.stderr.slice(-3000)}`,
        );
      }
    }
  }

  async readyz(i: number): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(`${this.node(i).url}/readyz`);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  async close(): Promise<void> {
    await Promise.all(this.nodes.map((node) => node?.stop('SIGKILL')));
    await this.proxy.close();
    await Promise.all([...this.postgresLinks, ...this.redisLinks].map((link) => link.close()));
    await Promise.all([this.redis.kill(), this.postgres.destroy()]);
  }
}
