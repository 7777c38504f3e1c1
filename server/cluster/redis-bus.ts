/**
 * The document bus on Redis pub/sub: one channel per document, named by a hash of the document
 * name (names are up to 255 bytes of any UTF-8). Two connections, as Redis requires: one in
 * subscriber mode, one for publishing. Only loaded for `--bus redis://…`.
 *
 * Lossy by design: a publish while Redis is unreachable is dropped at once (no offline queue that
 * would replay stale updates later), and the receivers repair from the store. Subscriptions are
 * kept by the client and re-sent after a reconnect; `onReconnect` tells the cluster layer to catch
 * up on everything it may have missed meanwhile.
 */
import createDebug from 'debug';
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

const debug = createDebug('quire:cluster:bus');

export interface RedisBusOptions {
  /** redis://[user:password@]host:port[/db][?prefix=quire] */
  url: string;
  /** How long opening a document waits for its subscription to be confirmed. Default 1 s. */
  subscribeTimeoutMs?: number;
}

export type BusListener = (bytes: Uint8Array) => void;

export class RedisBus {
  private readonly listeners = new Set<BusListener>();
  private readonly reconnectListeners = new Set<() => void>();
  private readonly connectionListeners = new Set<(up: boolean) => void>();
  private wasReady = false;
  /** A reconnect waits for the publishing connection (one wait at a time). */
  private awaitingPublisher = false;
  private closed = false;

  private constructor(
    private readonly subscriber: Redis,
    private readonly publisher: Redis,
    private readonly prefix: string,
    private readonly subscribeTimeoutMs: number,
  ) {
    subscriber.on('messageBuffer', (_channel: Buffer, message: Buffer) => {
      const bytes = new Uint8Array(message.buffer, message.byteOffset, message.byteLength);
      for (const listener of this.listeners) listener(bytes);
    });
    subscriber.on('ready', () => {
      for (const listener of this.connectionListeners) listener(true);
      if (!this.wasReady) {
        this.wasReady = true;
        return;
      }
      debug('reconnected to Redis');
      // PING is answered after the re-sent SUBSCRIBEs: once it is back, they are in effect, so a
      // catch-up read from the store cannot miss an update published in between. The listeners
      // publish (presence again, a heartbeat): they wait for the publishing connection too, which
      // reconnects on its own schedule and drops what is published before.
      subscriber.ping().then(
        () => this.whenPublisherReady(),
        (error: unknown) => debug('ping after reconnect failed: %O', error),
      );
    });
    subscriber.on('close', () => {
      if (this.closed) return;
      debug('lost the Redis connection');
      for (const listener of this.connectionListeners) listener(false);
    });
    for (const connection of [subscriber, publisher]) {
      // ioredis reconnects by itself; without a listener an 'error' event would crash the process.
      connection.on('error', (error: Error) => debug('Redis connection error: %s', error.message));
    }
  }

  static async connect(options: RedisBusOptions): Promise<RedisBus> {
    const url = new URL(options.url);
    if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw new Error('the bus URL must start with redis:// or rediss://');
    const prefix = url.searchParams.get('prefix') ?? 'quire';
    url.searchParams.delete('prefix');
    const { Redis } = await import('ioredis');
    const common = {
      // Reconnect quickly and forever: the bus is worth having back soon.
      retryStrategy: (times: number) => Math.min(50 * times, 1000),
      lazyConnect: true,
      connectTimeout: 2000,
      keepAlive: 1000,
    };
    // The subscriber keeps its SUBSCRIBE commands until it is connected (maxRetriesPerRequest null).
    const subscriber = new Redis(url.toString(), { ...common, maxRetriesPerRequest: null, autoResubscribe: true });
    const publisher = new Redis(url.toString(), { ...common, enableOfflineQueue: false, maxRetriesPerRequest: 0 });
    const bus = new RedisBus(subscriber, publisher, prefix, options.subscribeTimeoutMs ?? 1000);
    // Starting with Redis down is allowed: the store is the commit point, the bus comes later.
    await Promise.all([subscriber.connect(), publisher.connect()]).catch((error: unknown) =>
      debug('Redis is not reachable yet (%s); carrying on, repairing from the store', (error as Error).message),
    );
    return bus;
  }

  private whenPublisherReady(): void {
    if (this.closed || this.awaitingPublisher) return;
    if (this.publisher.status !== 'ready') {
      this.awaitingPublisher = true;
      this.publisher.once('ready', () => {
        this.awaitingPublisher = false;
        this.whenPublisherReady();
      });
      return;
    }
    for (const listener of this.reconnectListeners) listener();
  }

  get connected(): boolean {
    return this.subscriber.status === 'ready';
  }

  onMessage(listener: BusListener): void {
    this.listeners.add(listener);
  }

  /** Called after the connection came back (and its subscriptions with it). */
  onReconnect(listener: () => void): void {
    this.reconnectListeners.add(listener);
  }

  onConnectionChange(listener: (up: boolean) => void): void {
    this.connectionListeners.add(listener);
  }

  /**
   * Subscribes to a document's channel and resolves once Redis confirmed it, or after the timeout
   * (Redis down: the subscription is made when it returns, and the reconnect triggers a catch-up).
   */
  async subscribe(docName: string): Promise<boolean> {
    const subscribed = this.subscriber.subscribe(this.channelOf(docName)).then(
      () => true,
      () => false,
    );
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), this.subscribeTimeoutMs);
    });
    const confirmed = await Promise.race([subscribed, timedOut]);
    clearTimeout(timer);
    if (!confirmed) debug('subscription to %s not confirmed yet', docName);
    return confirmed;
  }

  unsubscribe(docName: string): void {
    this.subscriber.unsubscribe(this.channelOf(docName)).catch((error: unknown) => debug('unsubscribe %s failed: %O', docName, error));
  }

  /**
   * Fire and forget: a message that cannot be sent is repaired from the store by the receivers.
   * `onLost` is told when it was dropped or failed (what the store cannot repair: presence).
   */
  publish(docName: string, bytes: Uint8Array, onLost?: () => void): void {
    if (this.publisher.status !== 'ready') return onLost?.();
    this.publisher
      .publish(this.channelOf(docName), Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))
      .catch((error: unknown) => {
        debug('publish to %s failed: %s', docName, (error as Error).message);
        onLost?.();
      });
  }

  /** Sets this node's heartbeat key for `ttlMs`; false when Redis did not take it. */
  async heartbeat(nodeId: string, ttlMs: number): Promise<boolean> {
    if (this.publisher.status !== 'ready') return false;
    return this.publisher.set(this.heartbeatKey(nodeId), '1', 'PX', ttlMs).then(
      () => true,
      (error: unknown) => {
        debug('heartbeat failed: %s', (error as Error).message);
        return false;
      },
    );
  }

  /** Removes this node's heartbeat (a node closing on purpose). */
  async endHeartbeat(nodeId: string): Promise<void> {
    if (this.publisher.status !== 'ready') return;
    await this.publisher.del(this.heartbeatKey(nodeId)).catch(() => {});
  }

  /** Which of these nodes have a live heartbeat; null when Redis cannot say. */
  async aliveNodes(nodeIds: readonly string[]): Promise<Set<string> | null> {
    if (nodeIds.length === 0) return new Set();
    if (this.publisher.status !== 'ready') return null;
    try {
      const values = await this.publisher.mget(...nodeIds.map((id) => this.heartbeatKey(id)));
      return new Set(nodeIds.filter((_, i) => values[i] !== null));
    } catch (error) {
      debug('heartbeat check failed: %s', (error as Error).message);
      return null;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.subscriber.disconnect();
    // QUIT after what is already sent (the last commits' messages), but never wait on a dead Redis.
    if (this.publisher.status === 'ready') {
      await Promise.race([this.publisher.quit().catch(() => {}), new Promise((resolve) => setTimeout(resolve, 500))]);
    }
    this.publisher.disconnect();
  }

  private heartbeatKey(nodeId: string): string {
    return `${this.prefix}:node:${nodeId}`;
  }

  private channelOf(docName: string): string {
    return `${this.prefix}:doc:${createHash('sha256').update(docName, 'utf8').digest('base64url').slice(0, 32)}`;
  }
}
