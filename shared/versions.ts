/**
 * Version history as both sides see it: what a version is, and the payloads of the version
 * events (shared/events.ts). Wire rules: ids are positive integers; names at most
 * MAX_VERSION_NAME_LENGTH characters; full states travel as binary Yjs updates.
 */
export type VersionKind = 'auto' | 'named' | 'backup' | 'restore';

export const VERSION_KINDS: readonly VersionKind[] = ['auto', 'named', 'backup', 'restore'];

export const MAX_VERSION_NAME_LENGTH = 200;

export interface VersionInfo {
  /** Positive integer, increasing with creation order within a document. */
  id: number;
  /** Milliseconds since the epoch. */
  createdAt: number;
  kind: VersionKind;
  /** A user's name for it; null when it has none. */
  name: string | null;
  /** The principals whose updates the server applied since the previous version. */
  authors: string[];
  /** For `backup` and `restore`: the version being restored. */
  restoreOf: number | null;
  /** Bytes the version's payload occupies in the store. */
  storedBytes: number;
}

/** Sent to every client of a document when one of its versions is created. */
export interface VersionCreatedEvent {
  version: VersionInfo;
}

/** Sent to every client of a document when a restore has been applied. */
export interface VersionRestoredEvent {
  /** The version whose content was brought back. */
  restoredId: number;
  /** The state just before the restore: restoring it undoes the restore. */
  backup: VersionInfo;
  /** The state just after it. */
  restore: VersionInfo;
}

export function isVersionId(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) > 0;
}

/** A valid version name: a string of 1–200 characters (null for none is checked by callers). */
export function isVersionName(value: unknown): value is string {
  return typeof value === 'string' && value.trim().length > 0 && value.length <= MAX_VERSION_NAME_LENGTH && value.isWellFormed();
}
