import { afterEach, describe, expect, it } from 'vitest';
import type { ErrorInfo } from '../../shared/errors.js';
import { type TestClient, connectClient, destroyClients } from '../helpers/clients.js';
import { type RunningServer, startServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait-for.js';

const DOCUMENTS = 30;
const OFFLINE_BYTES = 1_000_000;

describe('an honest provider reconnecting with many documents of offline edits', () => {
  let running: RunningServer;
  let clients: TestClient[] = [];
  afterEach(async () => {
    destroyClients(clients);
    clients = [];
    await running?.close();
  });

  it('gets 30 documents × 1 MB through on one connection with the default limits, without a refusal', async () => {
    running = await startServer();
    const notices: ErrorInfo[] = [];
    for (let i = 0; i < DOCUMENTS; i++) {
      const client = connectClient(running.url, `offline-${i}`, { connect: false });
      client.provider.on('notice', (info) => notices.push(info));
      client.provider.on('connection-error', (info) => notices.push(info));
      client.doc.getText('text').insert(0, `${i}:`.padEnd(OFFLINE_BYTES, 'x'));
      clients.push(client);
    }
    expect(clients.every(({ provider }) => provider.pendingCount === 1)).toBe(true);
    for (const { provider } of clients) provider.connect();
    await waitFor(() => clients.every(({ provider }) => provider.synced && provider.pendingCount === 0), 'every document saved', 60_000);
    expect(running.server.io.engine.clientsCount).toBe(1);
    expect(notices).toEqual([]);
    for (let i = 0; i < DOCUMENTS; i++) {
      const doc = (await running.server.registry.peek(`offline-${i}`))!;
      expect(doc.ydoc.getText('text').length).toBe(OFFLINE_BYTES);
    }
  });
});
