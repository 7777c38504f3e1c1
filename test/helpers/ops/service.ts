import { Writable } from 'node:stream';
import { type RunningService, startService } from '../../../server/cli/service.js';
import { parseCommandLine } from '../../../server/config/load.js';
import { createLogger } from '../../../server/observability/logger.js';
import type { DocumentStore } from '../../../server/persistence/types.js';
import { MemoryStore } from '../../../server/persistence/memory-store.js';

/** Log lines the service wrote, parsed: tests check what is (and is not) in them. */
export class LogCapture extends Writable {
  readonly lines: Record<string, unknown>[] = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    for (const line of chunk.toString('utf8').split('\n'))
      if (line.trim() !== '') this.lines.push(JSON.parse(line) as Record<string, unknown>);
    done();
  }
}

export interface TestService extends RunningService {
  logs: LogCapture;
  store: DocumentStore;
}

/**
 * The service exactly as the CLI assembles it, in-process, on a free port with a memory store
 * (or the CLI's LevelDB store).
 * `args` are CLI flags, parsed by the real option parser.
 */
export async function startTestService(args: string[] = [], store: DocumentStore | 'leveldb' = new MemoryStore()): Promise<TestService> {
  const command = parseCommandLine(['--port', '0', '--unload-grace-ms', '50', '--static', 'test/helpers/data/site', ...args], {});
  if (command.kind !== 'run') throw new Error('expected a run command');
  const logs = new LogCapture();
  const logger = createLogger({ level: 'debug', format: 'json', destination: logs });
  // 'leveldb': the store the CLI opens under --data.
  const service = await startService(command.config, store === 'leveldb' ? { logger } : { logger, store });
  return Object.assign(service, { logs, store: service.server.store });
}
