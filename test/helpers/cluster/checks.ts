/**
 * The end of every scenario: stop typing, wait until every client's pending edits are
 * acknowledged, then check convergence (every client, and a fresh client on every live node) and
 * the store itself (gap-free rows, every acknowledged update contained).
 */
import { expect } from 'vitest';
import * as Y from 'yjs';
import { type TestClient, connectSynced, destroyClients } from '../clients.js';
import { waitFor } from '../wait-for.js';
import type { ClusterHarness } from './cluster.js';
import { missingUpdates, readStoredDocument } from './verifier.js';
import type { Workload } from './workload.js';

const sameState = (a: Y.Doc, b: Y.Doc) =>
  a.getText('text').toString() === b.getText('text').toString() &&
  Buffer.from(Y.encodeStateVector(a)).equals(Buffer.from(Y.encodeStateVector(b)));

export async function quiesceAndVerify(
  harness: ClusterHarness,
  workload: Workload & { stop(): void },
  timeoutMs = 60_000,
): Promise<{ updates: number; documents: number }> {
  workload.stop();
  harness.assertNodesAlive();
  const unsettled = () =>
    workload.clients.flatMap((client) =>
      client.documents
        .filter((d) => !d.provider.synced || d.provider.pendingCount > 0)
        .map((d) => `${client.id}/${d.name}: ${d.provider.status}, synced ${d.provider.synced}, ${d.provider.pendingCount} pending`),
    );
  await waitFor(() => unsettled().length === 0, 'every client synced with nothing pending', timeoutMs, 50).catch((error: Error) => {
    harness.assertNodesAlive();
    throw new Error(`${error.message}:\n${unsettled().join('\n')}`);
  });
  let updates = 0;
  const observers: TestClient[] = [];
  try {
    for (const name of workload.docNames) {
      const holders = workload.clients.flatMap((client) => client.documents.filter((d) => d.name === name));
      if (holders.length === 0) continue;
      // A fresh client straight on every live node shows what that node holds.
      const nodes = harness.nodes.filter((node) => node !== null);
      const direct = await Promise.all(nodes.map((node) => connectSynced(node.url, name)));
      observers.push(...direct);
      const replicas = [...holders.map((d) => d.doc), ...direct.map((c) => c.doc)];
      await waitFor(() => replicas.every((doc) => sameState(doc, replicas[0]!)), `all replicas of ${name} to converge`, timeoutMs, 50);
      const stored = await readStoredDocument(harness.storeUrl, name);
      const recorded = holders.flatMap((d) => d.updates);
      updates += recorded.length;
      expect(missingUpdates(stored.doc, recorded), `acknowledged updates of ${name} missing from PostgreSQL`).toEqual([]);
      expect(stored.doc.getText('text').toString()).toBe(replicas[0]!.getText('text').toString());
    }
  } finally {
    destroyClients(observers);
  }
  return { updates, documents: workload.docNames.length };
}

/** Updates acknowledged so far, per document: they must survive whatever happens next. */
export function acknowledgedSoFar(workload: Workload): Map<string, Uint8Array[]> {
  const result = new Map<string, Uint8Array[]>();
  for (const client of workload.clients) {
    for (const d of client.documents) {
      const list = result.get(d.name) ?? [];
      list.push(...d.updates.slice(0, d.acknowledged));
      result.set(d.name, list);
    }
  }
  return result;
}

/** Checks the store still holds everything acknowledged at some earlier moment. */
export async function expectStoredSince(harness: ClusterHarness, acknowledged: Map<string, Uint8Array[]>): Promise<void> {
  harness.assertNodesAlive();
  for (const [name, updates] of acknowledged) {
    if (updates.length === 0) continue;
    const stored = await readStoredDocument(harness.storeUrl, name);
    expect(missingUpdates(stored.doc, updates), `updates of ${name} acknowledged before the fault`).toEqual([]);
  }
}
