/**
 * The one line the CLI prints when the service cannot start: what went wrong, about what, and
 * which option changes it. Operators read it on a terminal or in a service manager's log, so it
 * carries no stack and never repeats itself (leveldown's messages already quote their cause).
 */
import { DataDirectoryError } from '../persistence/leveldb/ensure-directory.js';
import { resolve } from 'node:path';
import { StoreLockedError } from '../persistence/leveldb-store.js';

export interface StartupContext {
  host: string;
  port: number;
  dataDir: string;
}

type SystemError = Error & { code?: string; syscall?: string; path?: string };

export function describeStartupError(error: unknown, context: StartupContext): string {
  if (!(error instanceof Error)) return `could not start: ${String(error)}`;
  const { code, syscall } = error as SystemError;
  const where = `${context.host}:${context.port}`;
  if (syscall === 'listen' && code === 'EADDRINUSE') {
    return `could not start: ${where} is already in use by another process. Stop it, or choose another port with --port (or PORT).`;
  }
  if (syscall === 'listen' && code === 'EACCES') {
    return `could not start: not allowed to listen on ${where} (ports below 1024 need privileges). Choose another port with --port (or PORT).`;
  }
  if (syscall === 'listen' && code === 'EADDRNOTAVAIL') {
    return `could not start: ${context.host} is not an address of this machine. Choose another with --host (or HOST).`;
  }
  if (syscall === 'getaddrinfo') {
    return `could not start: cannot resolve the host name ${context.host}. Choose another with --host (or HOST).`;
  }
  if (error instanceof StoreLockedError) return `could not start: ${error.message.replace(/\.\s*$/, '')} (--data or DATA_DIR).`;
  const dataProblem = dataDirectoryProblem(error);
  if (dataProblem !== null) {
    const { problem, remedy } = dataProblem;
    return `could not start: cannot use the data directory ${resolve(context.dataDir)}: ${problem}. ${remedy}, or choose another directory with --data (or DATA_DIR).`;
  }
  return `could not start: ${messageChain(error)}`;
}

/**
 * A data-directory failure in plain words with the remedy that fits it (a file in the way is
 * not a permissions problem), or null when the error is about something else.
 */
function dataDirectoryProblem(error: Error): { problem: string; remedy: string } | null {
  const { code, syscall } = error as SystemError;
  const text = messageChain(error);
  if (code === 'EACCES' || code === 'EPERM' || /permission denied/i.test(text)) {
    return { problem: `permission denied (${syscall ?? 'open'})`, remedy: 'Fix its permissions' };
  }
  if (code === 'EROFS' || /read-only file system/i.test(text)) {
    return { problem: 'the file system is read-only', remedy: 'Mount it writable' };
  }
  if (code === 'ENOTDIR' || code === 'EEXIST') {
    const detail = error instanceof DataDirectoryError ? ` (${error.reason})` : '';
    return { problem: `a file is in the way of the directory${detail}`, remedy: 'Move that file away' };
  }
  if (code === 'ENOSPC' || /no space left/i.test(text)) return { problem: 'the disk is full', remedy: 'Free some space' };
  return null;
}

/** The error's message followed by its causes' (each only once). */
function messageChain(error: Error): string {
  const parts: string[] = [];
  for (let current: unknown = error; current instanceof Error && parts.length < 5; current = current.cause) {
    parts.push(current.message.replace(/\.\s*$/, ''));
  }
  return parts.filter((part, index) => !parts.slice(0, index).some((earlier) => earlier.includes(part))).join(': ');
}
