import { afterEach, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait-for.js';
import { closeClients, openClient, text } from '../helpers/offline/offline-client.js';

let running: RunningServer | undefined;

afterEach(async () => {
  closeClients();
  await running?.close();
});

it('providers refused by the rate limit say saved only once a fresh reader has every character', async () => {
  // The reproduction of issue 11: a tight update rate, violations tolerated, eight documents on one connection.
  running = await startServer({
    rateLimits: { updates: { perSecond: 20, burst: 20 }, violations: { perSecond: 100_000, burst: 100_000 } },
  });
  const writers = Array.from({ length: 8 }, (_, i) => openClient(running!.url, `rated-${i}`));
  await Promise.all(writers.map((writer) => writer.provider.whenSynced()));
  const refusals: string[] = [];
  for (const writer of writers) writer.provider.on('notice', ({ code }) => refusals.push(code));

  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      for (const writer of writers) writer.doc.getText('text').insert(text(writer).length, 'abcde');
      if (text(writers[0]!).length >= 300) {
        clearInterval(timer);
        resolve();
      }
    }, 5);
  });
  expect(refusals).toContain('RATE_LIMITED');

  await waitFor(() => writers.every((writer) => writer.provider.pendingCount === 0), 'every writer drained', 60_000);
  for (const [i, writer] of writers.entries()) {
    expect(writer.saves()).toBeGreaterThan(0);
    const reader = openClient(running.url, `rated-${i}`);
    await reader.provider.whenSynced();
    expect(text(reader)).toBe(text(writer));
    expect(text(reader)).toHaveLength(300);
  }
}, 90_000);
