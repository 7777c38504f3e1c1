import { generateKeyPairSync } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { signJwt } from '../../server/index.js';
import { ConfigError, parseCommandLine } from '../../server/config/load.js';
import type { ErrorInfo } from '../../shared/errors.js';
import { type TestClient, connectClient, connectSynced, destroyClients } from '../helpers/clients.js';
import { type TestService, startTestService } from '../helpers/ops/service.js';
import { waitFor } from '../helpers/wait-for.js';
import { removeTempDirs, tempDir } from '../helpers/temp-dir.js';

const secret = 'a-shared-secret-for-the-cli-test-0123456789';
const inAnHour = () => Math.floor(Date.now() / 1000) + 3600;

describe('the CLI flags --jwt-secret and --jwt-public-key turn on authentication', () => {
  let service: TestService | undefined;
  let clients: TestClient[] = [];
  let dir: string | null = null;

  afterEach(async () => {
    destroyClients(clients);
    clients = [];
    await service?.shutdown('test end');
    service = undefined;
    await removeTempDirs();
    dir = null;
  });

  it('without them anyone may open any document', async () => {
    service = await startTestService();
    clients.push(await connectSynced(service.url, 'open-doc'));
  });

  it('--jwt-secret: a signed token opens its documents, no token is refused with AUTH_FAILED', async () => {
    service = await startTestService(['--jwt-secret', secret]);
    const token = signJwt({ exp: inAnHour(), docs: { 'team/*': 'write' } }, { secret });
    const writer = await connectSynced(service.url, 'team/notes', { token });
    clients.push(writer);
    expect(writer.provider.access).toBe('write');
    const anonymous = connectClient(service.url, 'team/notes');
    clients.push(anonymous);
    const failures: ErrorInfo[] = [];
    anonymous.provider.on('auth-failed', (info) => failures.push(info));
    await waitFor(() => failures.length === 1, 'auth failed');
    expect(failures[0]!.code).toBe('AUTH_FAILED');
  });

  it('--jwt-public-key: an ES256 token verified with the PEM file', async () => {
    dir = await tempDir('jwt');
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const keyFile = join(dir, 'public.pem');
    await writeFile(keyFile, pair.publicKey.export({ type: 'spki', format: 'pem' }));
    service = await startTestService(['--jwt-public-key', keyFile]);
    const token = signJwt({ exp: inAnHour(), docs: { handbook: 'read' } }, { privateKey: pair.privateKey });
    const reader = await connectSynced(service.url, 'handbook', { token });
    clients.push(reader);
    expect(reader.provider.access).toBe('read');
  });

  it('refuses a short secret and an unreadable or unusable key file as configuration errors, never echoing the secret', async () => {
    const short = 'too-short-secret';
    expect(() => parseCommandLine(['--jwt-secret', short], {})).toThrow(ConfigError);
    try {
      parseCommandLine(['--jwt-secret', short], {});
    } catch (error) {
      expect((error as Error).message).not.toContain(short);
    }
    await expect(startTestService(['--jwt-public-key', '/nonexistent/key.pem'])).rejects.toThrow(ConfigError);
    dir = await tempDir('jwt');
    const notAKey = join(dir, 'not-a-key.pem');
    await writeFile(notAKey, 'hello');
    await expect(startTestService(['--jwt-public-key', notAKey])).rejects.toThrow(ConfigError);
  });
});
