/**
 * When automatic versions are taken: once a document changed and `intervalMs` has passed since
 * its first unversioned change, after `idleMs` without changes, and when its last client leaves.
 * Each takes a version only when the content differs from the latest one (the service checks the
 * snapshot), so an idle document never accumulates versions.
 */
import createDebug from 'debug';
import type { VersionService } from './service.js';

const debug = createDebug('quire:server:versions:auto');

interface Pending {
  interval: NodeJS.Timeout;
  idle: NodeJS.Timeout;
}

export class AutoVersions {
  private readonly pending = new Map<string, Pending>();
  private readonly running = new Set<Promise<unknown>>();
  private closed = false;

  constructor(private readonly service: VersionService) {}

  private get enabled(): boolean {
    return !this.closed && this.service.available && this.service.options.automatic;
  }

  /** A change was applied to the document. */
  changed(docName: string): void {
    if (!this.enabled) return;
    const { intervalMs, idleMs } = this.service.options;
    const entry = this.pending.get(docName);
    if (entry === undefined) {
      this.pending.set(docName, {
        interval: unref(setTimeout(() => this.take(docName, 'interval'), intervalMs)),
        idle: unref(setTimeout(() => this.take(docName, 'idle'), idleMs)),
      });
    } else {
      entry.idle.refresh();
    }
  }

  /** The document's last client left. */
  lastClientLeft(docName: string): void {
    if (this.pending.has(docName)) this.take(docName, 'last client left');
  }

  /** Forgets a document (deleted). */
  cancel(docName: string): void {
    const entry = this.pending.get(docName);
    if (entry === undefined) return;
    clearTimeout(entry.interval);
    clearTimeout(entry.idle);
    this.pending.delete(docName);
  }

  /** Stops the timers and waits for versions being taken. */
  async close(): Promise<void> {
    this.closed = true;
    for (const name of [...this.pending.keys()]) this.cancel(name);
    await Promise.allSettled([...this.running]);
  }

  private take(docName: string, reason: string): void {
    this.cancel(docName);
    if (this.closed) return;
    const run = this.service
      .createAutomatic(docName)
      .then(async (version) => {
        if (version === null) return;
        debug('%s: automatic version %d (%s)', docName, version.id, reason);
        await this.service.prune(docName);
      })
      .catch((error: unknown) => debug('%s: automatic version failed (%s): %O', docName, reason, error))
      .finally(() => this.running.delete(run));
    this.running.add(run);
  }
}

function unref(timer: NodeJS.Timeout): NodeJS.Timeout {
  timer.unref?.();
  return timer;
}
