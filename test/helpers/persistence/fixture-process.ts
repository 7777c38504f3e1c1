import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

export interface FixtureProcess {
  child: ChildProcess;
  /** Every stdout line so far. */
  lines: string[];
  /** Resolves with the first stdout line matching `test` (rejects if the process exits first). */
  waitForLine(test: (line: string) => boolean): Promise<string>;
  /** Calls `listener` for each stdout line from now on. */
  onLine(listener: (line: string) => void): void;
  /** Resolves when the process has exited and all of its output has been read. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

/** Runs test/helpers/processes/<name>.ts in a real Node process (TypeScript through tsx). */
export function runFixture(name: string, args: string[]): FixtureProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', `test/helpers/processes/${name}.ts`, ...args], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const listeners: Array<(line: string) => void> = [];
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const reader = createInterface({ input: child.stdout! });
  reader.on('line', (line) => {
    lines.push(line);
    for (const listener of listeners) listener(line);
  });
  const outputDone = new Promise<void>((resolve) => reader.once('close', resolve));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.once('exit', (code, signal) => void outputDone.then(() => resolve({ code, signal, stderr }))),
  );
  return {
    child,
    lines,
    exited,
    onLine: (listener) => void listeners.push(listener),
    waitForLine: (test) =>
      new Promise<string>((resolve, reject) => {
        const seen = lines.find(test);
        if (seen !== undefined) return resolve(seen);
        listeners.push((line) => test(line) && resolve(line));
        void exited.then(({ code, signal, stderr: err }) =>
          reject(new Error(`fixture ${name} exited (${code ?? signal}) before the expected line:\n${err}`)),
        );
      }),
  };
}
