/**
 * Reads the configuration from its three sources and validates it with the one schema.
 * Precedence: flag > environment variable > config file > default. Anything wrong becomes a
 * ConfigError whose message names the option, where the value came from, the value (unless it is
 * a secret) and what is allowed; the CLI prints it and exits with status 2.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { z } from 'zod';
import { HELP_COMMAND } from '../cli/package-root.js';
import { closestFlag } from './closest-flag.js';
import { optionInfo } from './option-info.js';
import { type OptionKey, type QuireConfig, configSchema } from './schema.js';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export type CliCommand = { kind: 'help' } | { kind: 'version' } | { kind: 'run'; config: QuireConfig };

type Source = { type: 'flag' } | { type: 'env' } | { type: 'file'; path: string };

const keys = Object.keys(optionInfo) as OptionKey[];
const isSwitch = (key: OptionKey) => optionInfo[key].arg === undefined;

export function parseCommandLine(argv: readonly string[], env: NodeJS.ProcessEnv, cwd = process.cwd()): CliCommand {
  const flags = readFlags(argv);
  if (flags.help === true) return { kind: 'help' };
  if (flags.version === true) return { kind: 'version' };

  const raw: Record<string, unknown> = {};
  const sources = new Map<string, Source>();
  const configPath = typeof flags.config === 'string' ? flags.config : env.QUIRE_CONFIG;
  if (configPath !== undefined && configPath !== '') {
    const path = resolve(cwd, configPath);
    for (const [key, value] of Object.entries(readConfigFile(path))) {
      raw[key] = value;
      sources.set(key, { type: 'file', path });
    }
  }
  for (const key of keys) {
    const value = env[optionInfo[key].env];
    if (value !== undefined && value !== '') {
      raw[key] = value;
      sources.set(key, { type: 'env' });
    }
  }
  for (const key of keys) {
    const { flag } = optionInfo[key];
    const value = isSwitch(key) ? (flags[`no-${flag}`] === true ? false : flags[flag]) : flags[flag];
    if (value !== undefined) {
      raw[key] = value;
      sources.set(key, { type: 'flag' });
    }
  }

  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(describeIssues(parsed.error.issues, raw, sources));
  return { kind: 'run', config: parsed.data };
}

function readFlags(argv: readonly string[]): Record<string, string | boolean | undefined> {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {
    help: { type: 'boolean', short: 'h' },
    version: { type: 'boolean', short: 'v' },
    config: { type: 'string', short: 'c' },
  };
  for (const key of keys) {
    const { flag } = optionInfo[key];
    if (isSwitch(key)) {
      options[flag] = { type: 'boolean' };
      options[`no-${flag}`] = { type: 'boolean' };
    } else {
      options[flag] = { type: 'string' };
    }
  }
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    // parseArgs names the offending flag ("Unknown option '--prot'", "Option '--port <value>' argument missing").
    const message = (error as Error).message.replace(/\.?\s*$/, '');
    throw new ConfigError(`${message}.${typoHint(message, Object.keys(options))} Run \`${HELP_COMMAND}\` for the options.`);
  }
}

/** " Did you mean --port?" for a mistyped long flag, or nothing. */
function typoHint(message: string, flags: readonly string[]): string {
  const unknown = /^Unknown option '--([^'=]+)'/.exec(message)?.[1];
  const suggestion = unknown === undefined ? null : closestFlag(unknown, flags);
  return suggestion === null ? '' : ` Did you mean --${suggestion}?`;
}

function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`Cannot read the config file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`The config file ${path} is not valid JSON: ${(error as Error).message}.`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError(`The config file ${path} must hold a JSON object of options, like {"port": 8080}.`);
  }
  const unknown = Object.keys(value).filter((key) => !Object.hasOwn(optionInfo, key));
  if (unknown.length > 0) {
    throw new ConfigError(
      `The config file ${path} has unknown option ${unknown.map((k) => JSON.stringify(k)).join(', ')}. Known options: ${keys.join(', ')}.`,
    );
  }
  return value as Record<string, unknown>;
}

function describeIssues(issues: readonly z.core.$ZodIssue[], raw: Record<string, unknown>, sources: Map<string, Source>): string {
  return issues
    .map((issue) => {
      const key = issue.path[0];
      if (typeof key !== 'string' || !Object.hasOwn(optionInfo, key)) return issue.message;
      const info = optionInfo[key as OptionKey];
      const source = sources.get(key);
      // Name the option the way the user spelled it.
      const named =
        source === undefined
          ? `--${info.flag} (default)`
          : source.type === 'flag'
            ? `--${info.flag}`
            : source.type === 'env'
              ? `${info.env} (environment variable for --${info.flag})`
              : `"${key}" in ${source.path}`;
      const shown = info.secret === true ? '(hidden)' : JSON.stringify(raw[key]);
      const detail = issue.code === 'custom' ? ` It ${issue.message}.` : '';
      return `Invalid value for ${named}: ${shown}. Allowed: ${info.allowed}.${detail}`;
    })
    .join('\n');
}
