import { afterEach, describe, expect, it } from 'vitest';
import type { QuireProvider } from '../../client/index.js';
import { jwtAuth } from '../../server/index.js';
import type { ErrorInfo } from '../../shared/errors.js';
import { type TestClient, connectClient, connectSynced, destroyClients } from '../helpers/clients.js';
import { refusalOf, rawSocket } from '../helpers/raw-socket.js';
import { type RunningServer, startServer } from '../helpers/server.js';
import { testSecret, tokenFor } from '../helpers/tokens.js';
import { waitFor } from '../helpers/wait-for.js';

interface Seen {
  connectionErrors: ErrorInfo[];
  authFailed: ErrorInfo[];
  permissionDenied: ErrorInfo[];
}

function watch(provider: QuireProvider): Seen {
  const seen: Seen = { connectionErrors: [], authFailed: [], permissionDenied: [] };
  provider.on('connection-error', (info) => seen.connectionErrors.push(info));
  provider.on('auth-failed', (info) => seen.authFailed.push(info));
  provider.on('permission-denied', (info) => seen.permissionDenied.push(info));
  return seen;
}

describe('a client the server refuses is told why and receives nothing', () => {
  let running: RunningServer;
  let clients: TestClient[] = [];

  afterEach(async () => {
    destroyClients(clients);
    clients = [];
    await running?.close();
  });

  async function serverWithContent(): Promise<void> {
    running = await startServer(jwtAuth({ secret: testSecret }));
    const writer = await connectSynced(running.url, 'secret-doc', { token: tokenFor({ 'secret-doc': 'write' }) });
    clients.push(writer);
    writer.doc.getText('text').insert(0, 'confidential');
    await waitFor(() => writer.provider.pendingCount === 0, 'content saved');
  }

  const cases: { name: string; token: () => string | undefined; code: string; event: keyof Seen }[] = [
    { name: 'a missing token', token: () => undefined, code: 'AUTH_FAILED', event: 'authFailed' },
    {
      name: 'a token signed with another secret',
      token: () => 'x' + tokenFor({ '*': 'write' }).slice(1),
      code: 'AUTH_FAILED',
      event: 'authFailed',
    },
    { name: 'an expired token', token: () => tokenFor({ 'secret-doc': 'write' }, -10), code: 'TOKEN_EXPIRED', event: 'authFailed' },
    {
      name: 'a token for other documents',
      token: () => tokenFor({ 'other/*': 'write' }),
      code: 'PERMISSION_DENIED',
      event: 'permissionDenied',
    },
  ];

  for (const { name, token, code, event } of cases) {
    it(`${name} is refused with ${code}`, async () => {
      await serverWithContent();
      const value = token();
      const client = connectClient(running.url, 'secret-doc', value === undefined ? {} : { token: value });
      clients.push(client);
      const seen = watch(client.provider);
      await waitFor(() => seen.connectionErrors.length > 0, 'connection error');
      expect(seen.connectionErrors[0]!.code).toBe(code);
      expect(seen[event]).toHaveLength(1);
      expect(seen[event][0]!.message.length).toBeGreaterThan(0);
      expect(client.provider.status).toBe('disconnected');
      expect(client.provider.synced).toBe(false);
      expect(client.doc.getText('text').toString()).toBe('');
      // The raw refusal carries the same stable code and a message without internals.
      const refusal = await refusalOf(rawSocket(running.url, 'secret-doc', value === undefined ? {} : { token: value }));
      expect(refusal.code).toBe(code);
      expect(refusal.message).not.toMatch(/signature|secret|stack|Error:/i);
    });
  }
});
