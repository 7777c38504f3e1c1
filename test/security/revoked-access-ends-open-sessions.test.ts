import { afterEach, describe, expect, it } from 'vitest';
import { signJwt } from '../../server/index.js';
import type { ErrorInfo } from '../../shared/errors.js';
import { connectSynced, destroyClients, type TestClient } from '../helpers/clients.js';
import { type RunningServer, startServer } from '../helpers/server.js';
import { testSecret, tokenFor } from '../helpers/tokens.js';
import { waitFor } from '../helpers/wait-for.js';
import { startTestService, type TestService } from '../helpers/ops/service.js';

const ADMIN = 'admin-token-for-tests-0123456789';

function notices(client: TestClient): string[] {
  const codes: string[] = [];
  client.provider.on('notice', (info: ErrorInfo) => codes.push(info.code));
  client.provider.on('connection-error', (info: ErrorInfo) => codes.push(`refused:${info.code}`));
  return codes;
}

describe('access taken away while a client is connected', () => {
  let running: RunningServer | null = null;
  let service: TestService | null = null;
  const clients: TestClient[] = [];
  afterEach(async () => {
    destroyClients(clients.splice(0));
    await running?.close();
    await service?.shutdown('test');
    running = null;
    service = null;
  });

  it('is rechecked on the configured interval: a downgrade reconnects read-only, a revocation ends the session for good', async () => {
    const grants = new Map<string, 'write' | 'read' | null>([['ada', 'write']]);
    running = await startServer({
      authenticate: ({ token }) => ({ user: token }),
      authorize: (principal) => grants.get((principal as { user: string }).user) ?? null,
      recheckAccessIntervalMs: 100,
    });
    const client = await connectSynced(running.url, 'shared', { token: 'ada' });
    clients.push(client);
    const seen = notices(client);
    expect(client.provider.access).toBe('write');

    grants.set('ada', 'read');
    await waitFor(
      () => seen.includes('ACCESS_CHANGED') && client.provider.synced && client.provider.access === 'read',
      'a read-only session',
    );

    grants.set('ada', null);
    await waitFor(() => seen.includes('PERMISSION_DENIED') && seen.includes('refused:PERMISSION_DENIED'), 'the session to end');
    await waitFor(() => client.provider.status === 'disconnected', 'the provider to stop');
  });

  it('is rechecked on demand, for one document or all, and a failing authorize keeps sessions', async () => {
    let mode: 'grant' | 'deny' | 'throw' = 'grant';
    running = await startServer({
      authorize: (_principal, docName) => {
        if (mode === 'throw') throw new Error('permission service unavailable');
        return mode === 'deny' && docName === 'secret' ? null : 'write';
      },
    });
    const secret = await connectSynced(running.url, 'secret');
    const open = await connectSynced(running.url, 'open');
    clients.push(secret, open);
    mode = 'throw';
    expect(await running.server.recheckAccess()).toEqual({ checked: 0, revoked: 0, changed: 0 });
    expect(secret.provider.synced && open.provider.synced).toBe(true);
    mode = 'deny';
    expect(await running.server.recheckAccess({ docName: 'open' })).toEqual({ checked: 1, revoked: 0, changed: 0 });
    expect(await running.server.recheckAccess()).toEqual({ checked: 2, revoked: 1, changed: 0 });
    await waitFor(() => secret.provider.status === 'disconnected', 'the secret session to end');
    expect(open.provider.synced).toBe(true);
  });

  it('in JWT mode, POST /admin/access/revoke ends a subject’s sessions and refuses its older tokens; a new token gets in', async () => {
    service = await startTestService(['--jwt-secret', testSecret, '--admin-token', ADMIN]);
    const issuedEarlier = signJwt(
      { sub: 'mallory', iat: Math.floor(Date.now() / 1000) - 60, exp: Math.floor(Date.now() / 1000) + 3600, docs: { '*': 'write' } },
      { secret: testSecret },
    );
    // Each on its own document: providers of one process share one connection, one socket per document.
    const mallory = await connectSynced(service.url, 'plans', { token: issuedEarlier });
    const ada = await connectSynced(service.url, 'team', { token: tokenFor({ '*': 'write' }, 3600, 'ada') });
    clients.push(mallory, ada);
    const seen = notices(mallory);

    const response = await fetch(`${service.url}/admin/access/revoke`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ subject: 'mallory' }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, subject: 'mallory', checked: 2, revoked: 1, changed: 0 });
    await waitFor(() => seen.includes('refused:AUTH_FAILED') && mallory.provider.status === 'disconnected', 'mallory to be shut out');
    expect(ada.provider.synced).toBe(true);
    expect(service.logs.lines.some((line) => line.action === 'revoke' && line.subject === 'mallory')).toBe(true);

    // A token issued from now on (the application re-issued access) is accepted.
    const fresh = await connectSynced(service.url, 'roadmap', { token: tokenFor({ '*': 'read' }, 3600, 'mallory') });
    clients.push(fresh);
    expect(fresh.provider.access).toBe('read');
  });

  it('answers 409 REVOKE_UNAVAILABLE without JWT authentication, and rechecks on POST /admin/access/recheck', async () => {
    service = await startTestService(['--admin-token', ADMIN]);
    const post = (path: string, body: unknown) =>
      fetch(`${service!.url}/admin/access/${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN}` },
        body: JSON.stringify(body),
      });
    const revoke = await post('revoke', { subject: 'anyone' });
    expect(revoke.status).toBe(409);
    expect(((await revoke.json()) as { code: string }).code).toBe('REVOKE_UNAVAILABLE');
    const recheck = await post('recheck', { document: 'notes' });
    expect(recheck.status).toBe(200);
    expect(await recheck.json()).toEqual({ ok: true, checked: 0, revoked: 0, changed: 0 });
    expect((await post('recheck', { document: 'a\u200bb' })).status).toBe(400);
  });
});
