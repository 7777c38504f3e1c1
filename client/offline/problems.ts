/**
 * Faults an offline store worked around: the operation itself succeeded, but the application
 * should know (the provider emits them as 'offline-error'). A write that fails rejects instead.
 */
export type OfflineStoreProblemKind =
  /** Stored records could not be read; they were skipped and every readable record was kept. */
  | 'damaged-records'
  /** A write was stored, but merging the document's records afterwards failed; it is tried again later. */
  | 'compaction-failed';

export class OfflineStoreProblem extends Error {
  constructor(
    readonly kind: OfflineStoreProblemKind,
    readonly docName: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'OfflineStoreProblem';
  }
}

export function compactionFailed(docName: string, cause: unknown): OfflineStoreProblem {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new OfflineStoreProblem(
    'compaction-failed',
    docName,
    `merging the offline records of "${docName}" failed (the write itself is stored): ${reason}`,
    { cause },
  );
}
