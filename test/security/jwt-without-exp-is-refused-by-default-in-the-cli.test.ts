import { afterEach, describe, expect, it } from 'vitest';
import { jwtAuth, signJwt } from '../../server/index.js';
import type { ErrorInfo } from '../../shared/errors.js';
import { connectClient, destroyClients } from '../helpers/clients.js';
import { testSecret, tokenFor } from '../helpers/tokens.js';
import { startTestService, type TestService } from '../helpers/ops/service.js';

const forever = signJwt({ sub: 'alice', docs: { '*': 'write' } }, { secret: testSecret });

/** Connects a provider with `token`; resolves with 'synced' or the code it was refused with. */
async function outcome(url: string, token: string): Promise<string> {
  const client = connectClient(url, 'exp-check', { token });
  try {
    return await new Promise<string>((resolve) => {
      client.provider.on('synced', (synced) => synced && resolve('synced'));
      client.provider.on('connection-error', (info: ErrorInfo) => resolve(`${info.code}: ${info.message}`));
    });
  } finally {
    destroyClients([client]);
  }
}

describe('a JWT without exp (a token, and a session, that never expire)', () => {
  let service: TestService | null = null;
  afterEach(async () => {
    await service?.shutdown('test');
    service = null;
  });

  it('is refused by the CLI in JWT mode unless --no-jwt-require-exp', async () => {
    service = await startTestService(['--jwt-secret', testSecret]);
    expect(await outcome(service.url, forever)).toBe('AUTH_FAILED: The token has no expiry (exp); this server requires one.');
    expect(await outcome(service.url, tokenFor({ '*': 'write' }))).toBe('synced');
    await service.shutdown('test');
    service = await startTestService(['--jwt-secret', testSecret, '--no-jwt-require-exp']);
    expect(await outcome(service.url, forever)).toBe('synced');
  });

  it('is refused by jwtAuth({ requireExpiry: true }) and accepted by default in the library', async () => {
    const strict = jwtAuth({ secret: testSecret, requireExpiry: true });
    expect(() => strict.authenticate({ token: forever, auth: {}, headers: {}, address: '', query: {}, params: {} })).toThrow(/no expiry/);
    const lenient = jwtAuth({ secret: testSecret });
    expect(lenient.authenticate({ token: forever, auth: {}, headers: {}, address: '', query: {}, params: {} })).toMatchObject({
      subject: 'alice',
      expiresAt: null,
    });
  });
});
