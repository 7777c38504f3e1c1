import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { signJwt } from '../../server/index.js';
import { ConfigError, parseCommandLine } from '../../server/config/load.js';
import { encodeSyncFrame } from '../../shared/protocol/sync.js';
import type { ErrorInfo } from '../../shared/errors.js';
import { type TestClient, connectClient, connectSynced, destroyClients } from '../helpers/clients.js';
import { emitWithAck, rawDocumentSocket } from '../helpers/raw-socket.js';
import { waitFor } from '../helpers/wait-for.js';
import { type TestService, startTestService } from '../helpers/ops/service.js';

const secret = 'a-shared-secret-for-the-ops-test-0123456789';
const inAnHour = () => Math.floor(Date.now() / 1000) + 3600;

function updateFrame(text: string): Uint8Array {
  const doc = new Y.Doc();
  doc.getText('text').insert(0, text);
  return encodeSyncFrame('update', Y.encodeStateAsUpdate(doc));
}

describe('limit and token-check options reach the server', () => {
  let service: TestService | undefined;
  let clients: TestClient[] = [];
  afterEach(async () => {
    destroyClients(clients);
    clients = [];
    await service?.shutdown('test end');
    service = undefined;
  });

  it('--rate-updates: a client over its update rate is answered RATE_LIMITED', async () => {
    service = await startTestService(['--rate-updates', '1/3']);
    const socket = await rawDocumentSocket(service.url, 'throttled');
    const replies = [];
    for (let i = 0; i < 5; i++) replies.push(await emitWithAck(socket, 'update', updateFrame(`edit ${i}`)));
    socket.close();
    expect(replies.slice(0, 3).every((reply) => reply.ok)).toBe(true);
    expect(replies.slice(3)).toEqual([
      expect.objectContaining({ ok: false, code: 'RATE_LIMITED' }),
      expect.objectContaining({ ok: false, code: 'RATE_LIMITED' }),
    ]);
  });

  it('parses rates as <per second>/<burst> from flags and the environment, and as objects from a file', () => {
    const parsed = parseCommandLine(['--rate-awareness', '30/90'], { QUIRE_RATE_JOINS: '2.5/10' });
    if (parsed.kind !== 'run') throw new Error('expected a run command');
    expect(parsed.config.rateAwareness).toEqual({ perSecond: 30, burst: 90 });
    expect(parsed.config.rateJoins).toEqual({ perSecond: 2.5, burst: 10 });
    expect(parsed.config.rateUpdates).toEqual({ perSecond: 100, burst: 300 });
    expect(() => parseCommandLine(['--rate-updates', 'fast'], {})).toThrow(/--rate-updates: "fast". Allowed: <per second>\/<burst>/);
    expect(() => parseCommandLine(['--rate-syncs', '0/10'], {})).toThrow(ConfigError);
  });

  it('--jwt-issuer and --jwt-audience refuse tokens from elsewhere; --jwt-claim names the grants claim', async () => {
    service = await startTestService([
      '--jwt-secret',
      secret,
      '--jwt-issuer',
      'https://id.example',
      '--jwt-audience',
      'quire',
      '--jwt-claim',
      'documents',
    ]);
    const good = signJwt({ exp: inAnHour(), iss: 'https://id.example', aud: 'quire', documents: { notes: 'write' } }, { secret });
    const writer = await connectSynced(service.url, 'notes', { token: good });
    clients.push(writer);
    expect(writer.provider.access).toBe('write');

    for (const claims of [
      { exp: inAnHour(), iss: 'https://elsewhere.example', aud: 'quire', documents: { notes: 'write' } },
      { exp: inAnHour(), iss: 'https://id.example', aud: 'another-app', documents: { notes: 'write' } },
    ]) {
      const stranger = connectClient(service.url, 'notes', { token: signJwt(claims, { secret }) });
      clients.push(stranger);
      const failures: ErrorInfo[] = [];
      stranger.provider.on('auth-failed', (info) => failures.push(info));
      await waitFor(() => failures.length === 1, 'auth failed');
      expect(failures[0]!.code).toBe('AUTH_FAILED');
    }
  });

  it('refuses --jwt-issuer or --jwt-audience without a key, since no token would be checked', () => {
    expect(() => parseCommandLine(['--jwt-issuer', 'https://id.example'], {})).toThrow(
      /--jwt-issuer.*needs --jwt-secret or --jwt-public-key/,
    );
    expect(() => parseCommandLine([], { QUIRE_JWT_AUDIENCE: 'quire' })).toThrow(
      /QUIRE_JWT_AUDIENCE.*needs --jwt-secret or --jwt-public-key/,
    );
  });
});
