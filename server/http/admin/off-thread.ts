/**
 * Runs state-worker.ts jobs on one worker thread, started on first use and restarted after a
 * failure. The worker does not keep the process alive.
 */
import createDebug from 'debug';
import { Worker } from 'node:worker_threads';
import type { RootJson } from './shared-types-json.js';
import type { StateJob, StateResult } from './state-worker.js';

const debug = createDebug('quire:server:admin:worker');

// Running from source (tests, tsx) the worker is TypeScript too and needs tsx's loader.
const fromSource = import.meta.url.endsWith('.ts');
const workerFile = new URL(`./state-worker.${fromSource ? 'ts' : 'js'}`, import.meta.url);

interface Pending {
  resolve: (result: StateResult) => void;
  reject: (error: Error) => void;
}

export class StateWorker {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;

  /** The stored updates as one update (the document's state). */
  async mergedUpdate(updates: Uint8Array[]): Promise<Uint8Array> {
    if (updates.length === 1) return updates[0]!;
    const result = await this.run({ updates, want: 'update' });
    return result.update!;
  }

  /** The stored updates' shared types as JSON. */
  async sharedTypes(updates: Uint8Array[]): Promise<Record<string, RootJson>> {
    const result = await this.run({ updates, want: 'json' });
    return result.json as Record<string, RootJson>;
  }

  /** Stops the worker; pending jobs fail. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    await worker?.terminate();
  }

  private async run(job: Omit<StateJob, 'id'>): Promise<Extract<StateResult, { ok: true }>> {
    const worker = this.ensureWorker();
    const id = this.nextId++;
    const result = await new Promise<StateResult>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      // Refs the worker while a job runs, so a pending request keeps its answer coming.
      worker.ref();
      worker.postMessage({ id, ...job } satisfies StateJob);
    });
    if (!result.ok) throw new Error(`the document's stored state could not be read: ${result.message}`);
    return result;
  }

  private ensureWorker(): Worker {
    if (this.worker !== null) return this.worker;
    // From source, a bootstrap registers tsx's loader in the worker first (Node 20 workers do not
    // take `--import`), then loads the TypeScript entry.
    const worker = fromSource
      ? new Worker(`import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(workerFile.href)}); });`, {
          eval: true,
        })
      : new Worker(workerFile);
    worker.unref();
    worker.on('message', (result: StateResult) => {
      const pending = this.pending.get(result.id);
      this.pending.delete(result.id);
      if (this.pending.size === 0) worker.unref();
      pending?.resolve(result);
    });
    const fail = (error: Error) => {
      debug('state worker failed: %O', error);
      if (this.worker === worker) this.worker = null;
      for (const pending of this.pending.values()) pending.reject(error);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the state worker exited with code ${code}`)));
    this.worker = worker;
    return worker;
  }
}
