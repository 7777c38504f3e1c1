/**
 * The `quire` CLI as a child process (from source through tsx), for tests of exit codes, output,
 * signals and restarts.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../../server/cli.ts', import.meta.url));
const LISTENING = /quire listening on (http:\/\/\S+?)\/?$/m;

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI to completion (for options that make it exit on its own). */
export async function runCli(args: string[], env: Record<string, string> = {}, options: SpawnCliOptions = {}): Promise<CliResult> {
  const child = spawnCli(args, env, options);
  const output = collect(child);
  const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
  return { code, signal, ...output() };
}

export class CliProcess {
  private constructor(
    readonly child: ChildProcess,
    readonly url: string,
    private readonly output: () => { stdout: string; stderr: string },
  ) {}

  static async start(args: string[], env: Record<string, string> = {}): Promise<CliProcess> {
    const child = spawnCli(['--port', '0', '--log-format', 'json', ...args], env);
    const output = collect(child);
    const url = await new Promise<string>((resolve, reject) => {
      const check = () => {
        const match = LISTENING.exec(output().stdout);
        if (match !== null) resolve(match[1]!);
      };
      child.stdout?.on('data', check);
      child.once('exit', (code) => reject(new Error(`quire exited with ${code} before listening:\n${output().stdout}${output().stderr}`)));
    });
    return new CliProcess(child, url, output);
  }

  get stdout(): string {
    return this.output().stdout;
  }

  get stderr(): string {
    return this.output().stderr;
  }

  /** Sends the signal and resolves with the exit code once the process has exited. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (this.child.exitCode !== null) return this.child.exitCode;
    const exited = once(this.child, 'exit');
    this.child.kill(signal);
    const [code] = (await exited) as [number | null];
    return code;
  }

  /** For cleanup after a failed test: ends the process if it is still running. */
  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}

export interface SpawnCliOptions {
  /** Run as this user id (through setpriv; the test must run as root): permission checks apply. */
  uid?: number;
}

function spawnCli(args: string[], env: Record<string, string>, options: SpawnCliOptions = {}): ChildProcess {
  // Only the variables a test names reach the child, so the developer's PORT or LOG_LEVEL cannot.
  const base = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
  const node = [process.execPath, '--import', 'tsx', CLI, ...args];
  const [command, ...commandArgs] =
    options.uid === undefined ? node : ['setpriv', `--reuid=${options.uid}`, `--regid=${options.uid}`, '--clear-groups', ...node];
  return spawn(command!, commandArgs, {
    cwd: fileURLToPath(new URL('../../..', import.meta.url)),
    env: { ...base, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function collect(child: ChildProcess): () => { stdout: string; stderr: string } {
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return () => ({ stdout, stderr });
}
