/** Errors the LevelDB store raises; each names what it is about so an operator can act on it. */

/** The data directory is held by another running store (another process or this one). */
export class StoreLockedError extends Error {
  readonly path: string;
  constructor(path: string, holder: 'process' | 'this process', options?: ErrorOptions) {
    const who = holder === 'process' ? 'another running process' : 'another store in this process';
    super(
      `The data directory ${path} is locked by ${who}. ` +
        'Only one quire server can use a data directory at a time: stop the other one or choose another directory.',
      options,
    );
    this.name = 'StoreLockedError';
    this.path = path;
  }
}

/** The stored records of one document cannot be decoded. Other documents are unaffected. */
export class CorruptDocumentError extends Error {
  readonly document: string;
  readonly problem: string;
  constructor(document: string, problem: string) {
    super(`Stored records of document ${JSON.stringify(document)} are corrupt: ${problem}.`);
    this.name = 'CorruptDocumentError';
    this.document = document;
    this.problem = problem;
  }
}

/** A batch could not be written; none of its updates were acknowledged. */
export class StoreWriteError extends Error {
  readonly documents: string[];
  constructor(documents: string[], options?: ErrorOptions) {
    const cause = options?.cause instanceof Error ? `: ${options.cause.message}` : '';
    super(`Could not write updates of ${describeNames(documents)}${cause}`, options);
    this.name = 'StoreWriteError';
    this.documents = documents;
  }
}

/** The store was closed (or is closing) when the call was made. */
export class StoreClosedError extends Error {
  constructor() {
    super('The document store is closed.');
    this.name = 'StoreClosedError';
  }
}

export function describeNames(names: readonly string[]): string {
  const shown = names.slice(0, 5).map((n) => JSON.stringify(n));
  const more = names.length > shown.length ? ` and ${names.length - shown.length} more` : '';
  return `document${names.length === 1 ? '' : 's'} ${shown.join(', ')}${more}`;
}

/**
 * The store takes no writes now: a write failed and the database is being reopened and checked,
 * or its data directory vanished or was replaced. Nothing is acknowledged until it is healthy
 * again; clients keep their updates and retry.
 */
export class StoreUnavailableError extends Error {
  constructor(detail: string, options?: ErrorOptions) {
    super(`The document store is not accepting writes: ${detail}`, options);
    this.name = 'StoreUnavailableError';
  }
}

/**
 * LevelDB table files whose blocks fail their checksums. The store does not open on them (LevelDB
 * could abort the process reading them); `quire repair` moves them aside and rebuilds.
 */
export class DamagedTablesError extends Error {
  readonly tables: Array<{ file: string; problem: string }>;
  constructor(path: string, tables: Array<{ file: string; problem: string }>) {
    const list = tables.map((t) => `${t.file} (${t.problem})`).join(', ');
    super(
      `The data directory ${path} has damaged LevelDB table files: ${list}. quire does not open it, because LevelDB ` +
        `can abort the whole process reading them. Back the directory up, then run \`npx y-quire repair --data ${path}\` ` +
        '(docs/OPERATING.md, "When storage fails").',
    );
    this.name = 'DamagedTablesError';
    this.tables = tables;
  }
}
