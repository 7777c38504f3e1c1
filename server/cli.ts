#!/usr/bin/env node
/**
 * `quire`: runs the service from flags, environment and an optional config file.
 *
 * Exit codes: 0 after a clean shutdown (SIGTERM/SIGINT); 1 when starting or stopping failed
 * (a data directory another server holds, a port in use, a shutdown past its timeout, a second
 * signal, a shutdown that could not flush every document); 2 for a bad option, with a message
 * naming the option, its value and what is allowed. `quire repair`: see cli/repair-command.ts.
 */
import { ConfigError, parseCommandLine } from './config/load.js';
import { helpText } from './config/help.js';
import type { QuireConfig } from './config/schema.js';
import type { Logger } from './observability/logger.js';
import { packageVersion } from './cli/package-root.js';
import type { RunningService } from './cli/service.js';

async function main(): Promise<void> {
  // `--help | head` closes the pipe early: that is not an error worth a stack trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
  if (process.argv[2] === 'repair') {
    const { runRepairCommand } = await import('./cli/repair-command.js');
    process.exit(await runRepairCommand(process.argv.slice(3), process.env));
  }
  let config: QuireConfig;
  try {
    const command = parseCommandLine(process.argv.slice(2), process.env);
    if (command.kind === 'help') return void process.stdout.write(helpText());
    if (command.kind === 'version') return void process.stdout.write(`${packageVersion()}\n`);
    config = command.config;
  } catch (error) {
    if (error instanceof ConfigError) usageError(error.message);
    throw error;
  }

  // Loaded only now, so a bad option is reported without loading the whole server first.
  const [{ createLogger }, { startService }] = await Promise.all([import('./observability/logger.js'), import('./cli/service.js')]);
  const logger = createLogger({ level: config.logLevel, format: config.logFormat });
  // Last resort: an error nothing handled is logged (with its stack) before the process dies,
  // instead of leaving only Node's stderr dump outside the structured log.
  const die = (kind: string) => (error: unknown) => {
    logger.fatal({ err: error }, kind);
    process.exit(1);
  };
  process.on('uncaughtException', die('uncaught exception'));
  process.on('unhandledRejection', die('unhandled rejection'));
  let service: RunningService;
  try {
    service = await startService(config, { logger });
  } catch (error) {
    if (error instanceof ConfigError) usageError(error.message);
    // One line for the person or the service manager; the stack only when asked for (--log-level debug).
    logger.debug({ err: error }, 'start-up failure');
    const { describeStartupError } = await import('./cli/startup-error.js');
    process.stderr.write(`quire: ${describeStartupError(error, config)}\n`);
    process.exit(1);
  }
  // Signals first: whoever waits for the line below may stop the server the moment it reads it.
  handleSignals(service, config, logger);
  // The one line a person starting `npm start` looks for.
  process.stdout.write(`quire listening on ${service.url}/\n`);
}

function handleSignals(service: RunningService, config: QuireConfig, logger: Logger): void {
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) {
      // A second Ctrl-C means "now": everything acknowledged is already durable.
      logger.warn({ signal }, 'second signal: exiting without finishing the shutdown');
      process.exit(1);
    }
    signalled = true;
    const timer = setTimeout(() => {
      logger.error({ timeoutMs: config.shutdownTimeoutMs }, 'shutdown took too long; exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs);
    timer.unref();
    service.shutdown(signal).then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

function usageError(message: string): never {
  process.stderr.write(`quire: ${message}\n`);
  process.exit(2);
}

await main();
