/**
 * The CLI's authentication: `--jwt-secret` and/or `--jwt-public-key` turn on `jwtAuth`; without
 * either, anyone may open any document (the local example's default).
 */
import { readFileSync } from 'node:fs';
import { type JwtAuth, jwtAuth } from '../auth/jwt.js';
import { ConfigError } from '../config/load.js';
import type { QuireConfig } from '../config/schema.js';

type JwtConfig = Pick<
  QuireConfig,
  'jwtSecret' | 'jwtPublicKey' | 'jwtIssuer' | 'jwtAudience' | 'jwtClaim' | 'jwtClockToleranceSeconds' | 'jwtRequireExp'
>;

export function jwtFromConfig(config: JwtConfig): JwtAuth | null {
  const { jwtSecret, jwtPublicKey, jwtIssuer, jwtAudience } = config;
  if (jwtSecret === undefined && jwtPublicKey === undefined) return null;
  let publicKey: string | undefined;
  if (jwtPublicKey !== undefined) {
    try {
      publicKey = readFileSync(jwtPublicKey, 'utf8');
    } catch (error) {
      throw new ConfigError(`--jwt-public-key: cannot read ${JSON.stringify(jwtPublicKey)}: ${(error as Error).message}`);
    }
  }
  try {
    return jwtAuth({
      ...(jwtSecret === undefined ? {} : { secret: jwtSecret }),
      ...(publicKey === undefined ? {} : { publicKey }),
      ...(jwtIssuer === undefined ? {} : { issuer: jwtIssuer }),
      ...(jwtAudience === undefined ? {} : { audience: jwtAudience }),
      claim: config.jwtClaim,
      clockToleranceSeconds: config.jwtClockToleranceSeconds,
      requireExpiry: config.jwtRequireExp,
    });
  } catch (error) {
    throw new ConfigError(`--jwt-public-key: ${JSON.stringify(jwtPublicKey)} is not a usable key: ${(error as Error).message}`);
  }
}
