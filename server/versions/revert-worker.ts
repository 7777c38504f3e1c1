/** Worker thread entry: computes one revert (revert.ts) and posts it back. */
import { parentPort, workerData } from 'node:worker_threads';
import { type RevertInput, computeRevert } from './revert.js';

try {
  const revert = computeRevert(workerData as RevertInput);
  parentPort!.postMessage({ revert }, revert === null ? [] : [revert.buffer as ArrayBuffer]);
} catch (error) {
  parentPort!.postMessage({ error: error instanceof Error ? error.message : String(error) });
}
