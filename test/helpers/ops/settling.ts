import type { TestClient } from '../clients.js';
import { waitFor } from '../wait-for.js';

/** DELETE /admin/documents/<name> on `baseUrl`; answers the HTTP status. */
export async function deleteThroughAdmin(baseUrl: string, name: string, adminToken: string): Promise<number> {
  const response = await fetch(`${baseUrl}/admin/documents/${encodeURIComponent(name)}`, {
    method: 'DELETE',
    headers: { authorization: `Bearer ${adminToken}` },
  });
  return response.status;
}

/**
 * Waits until every client is synced with nothing pending. On time-out the error names the
 * unsettled clients and counts the servers' warning lines (`warnings`), which say why.
 */
export async function waitUntilSettled(clients: readonly TestClient[], warnings: () => string[], timeoutMs = 20_000): Promise<void> {
  const unsettled = () =>
    clients
      .map((client, i) => ({ i, synced: client.provider.synced, pending: client.provider.pendingCount }))
      .filter((c) => !c.synced || c.pending > 0);
  await waitFor(() => unsettled().length === 0, 'every client settled', timeoutMs, 50).catch((error: Error) => {
    const counts = new Map<string, number>();
    for (const line of warnings()) counts.set(line, (counts.get(line) ?? 0) + 1);
    throw new Error(`${error.message}: ${JSON.stringify(unsettled())} ${JSON.stringify([...counts])}`);
  });
}
