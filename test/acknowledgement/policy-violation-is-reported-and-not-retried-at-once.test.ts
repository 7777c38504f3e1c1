import { afterEach, expect, it } from 'vitest';
import type { ErrorInfo } from '../../client/index.js';
import { type RunningServer, startServer } from '../helpers/server.js';
import { delay, waitFor } from '../helpers/wait-for.js';
import { closeClients, openClient } from '../helpers/offline/offline-client.js';

let running: RunningServer | undefined;

afterEach(async () => {
  closeClients();
  await running?.close();
});

it('a connection closed for policy violation is reported and not reopened at once', async () => {
  // One update per hundred seconds, and two rate-limit refusals tolerated: the third closes the connection.
  running = await startServer({ rateLimits: { updates: { perSecond: 0.01, burst: 1 }, rateRefusals: { perSecond: 0.001, burst: 2 } } });
  const writer = openClient(running.url, 'abused');
  await writer.provider.whenSynced();
  const errors: ErrorInfo[] = [];
  writer.provider.on('connection-error', (info) => errors.push(info));
  const statuses: string[] = [];
  writer.provider.on('status', ({ status }) => statuses.push(status));

  for (const word of ['one', 'two']) {
    writer.doc.getText('text').insert(0, word);
    await delay(5);
  }
  await waitFor(() => errors.some((error) => error.code === 'POLICY_VIOLATION'), 'the policy violation is reported');
  await waitFor(() => writer.provider.status === 'disconnected', 'disconnected');
  // fastReconnect would have retried within 200 ms several times over; the provider waits at least
  // 750 ms after such a closing, longer after each one in a row.
  await delay(500);
  expect(statuses.filter((status) => status === 'connected')).toHaveLength(0);
  expect(writer.provider.pendingCount).toBeGreaterThan(0);
});
