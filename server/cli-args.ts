/**
 * Command-line options of `quire`. Flags win over environment variables, which win over defaults.
 * A bad value exits with status 2 and a message naming the option, the value and what is allowed.
 */
import { parseArgs } from 'node:util';

export interface CliOptions {
  port: number;
  host: string;
  dataDir: string;
  help: boolean;
}

export class CliUsageError extends Error {}

export const helpText = `Usage: quire [options]

Serves the example editor and the quire sync endpoint, with documents stored in LevelDB.

Options:
  --port <n>     TCP port to listen on (env PORT; default 3000; 0 picks a free port)
  --host <addr>  Interface to bind (env HOST; default 127.0.0.1)
  --data <dir>   LevelDB data directory (env DATA_DIR; default ./data)
  -h, --help     Show this help
`;

export function parseCliOptions(argv: readonly string[], env: NodeJS.ProcessEnv): CliOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        data: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new CliUsageError((error as Error).message);
  }
  const portText = values.port ?? env.PORT ?? '3000';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65_535) {
    throw new CliUsageError(`--port/PORT must be an integer from 0 to 65535, got ${JSON.stringify(portText)}`);
  }
  const host = values.host ?? env.HOST ?? '127.0.0.1';
  if (host.trim() === '') throw new CliUsageError('--host/HOST must not be empty');
  const dataDir = values.data ?? env.DATA_DIR ?? './data';
  if (dataDir.trim() === '') throw new CliUsageError('--data/DATA_DIR must not be empty');
  return { port, host, dataDir, help: values.help ?? false };
}
