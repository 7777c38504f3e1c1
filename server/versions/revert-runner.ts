/**
 * Runs computeRevert inline for small documents and in a worker thread above a size threshold,
 * so a restore of a large document does not stall every other document's traffic.
 */
import createDebug from 'debug';
import { Worker } from 'node:worker_threads';
import { type RevertInput, computeRevert } from './revert.js';

const debug = createDebug('quire:server:versions:revert');

// From the sources (tests, tsx) the worker is TypeScript and needs tsx's loader; built, it is JS.
const fromSource = import.meta.url.endsWith('.ts');
const workerUrl = new URL(fromSource ? './revert-worker.ts' : './revert-worker.js', import.meta.url);

export class RevertRunner {
  private readonly workers = new Set<Worker>();

  constructor(private readonly thresholdBytes: number) {}

  async compute(input: RevertInput): Promise<Uint8Array | null> {
    const bytes = input.target.byteLength + input.live.byteLength;
    if (bytes <= this.thresholdBytes) return computeRevert(input);
    debug('computing a revert of %d bytes in a worker', bytes);
    return this.inWorker(input);
  }

  async close(): Promise<void> {
    await Promise.all([...this.workers].map((worker) => worker.terminate()));
  }

  private inWorker(input: RevertInput): Promise<Uint8Array | null> {
    const workerData = { ...input, roots: [...input.roots] };
    const worker = fromSource
      ? // Run from TypeScript sources (tests, tsx): load the worker through tsx's loader.
        new Worker(
          `import('tsx/esm/api').then(({ tsImport }) => tsImport(${JSON.stringify(workerUrl.href)}, ${JSON.stringify(import.meta.url)}))`,
          {
            eval: true,
            workerData,
          },
        )
      : new Worker(workerUrl, { workerData });
    this.workers.add(worker);
    return new Promise<Uint8Array | null>((resolve, reject) => {
      worker.once('message', (message: { revert: Uint8Array | null } | { error: string }) => {
        if ('error' in message) reject(new Error(message.error));
        else resolve(message.revert === null ? null : new Uint8Array(message.revert));
      });
      worker.once('error', reject);
      worker.once('exit', (code) => {
        this.workers.delete(worker);
        reject(new Error(`revert worker exited with code ${code}`));
      });
    });
  }
}
