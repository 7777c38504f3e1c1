/**
 * Offline store for Node services: one append-only log file per document in a directory.
 * Node-only (imports node:fs); import it from `y-quire/client/file-store`.
 *
 * Crash safety: a write appends one checksummed record (see log-codec.ts) and, by default, fsyncs
 * before resolving; a record torn by a crash is cut off the next time the document is opened.
 * Damaged records elsewhere in a log are skipped, the records around them kept and the damage
 * reported (`problems`); the log is then rewritten without them, and the damaged file is kept
 * next to it as `<log>.corrupt` for inspection.
 * Compaction writes the merged records to a temporary file, fsyncs it and renames it over the log,
 * so a crash leaves either the old log or the new one. One process per directory: two processes
 * appending to the same log would interleave records.
 */
import createDebug from 'debug';
import { createHash } from 'node:crypto';
import { copyFile, mkdir, open, readFile, rename, rm, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { LOG_HEADER, type SkippedBytes, encodeRecord, readLog } from './log-codec.js';
import { OfflineStoreProblem, compactionFailed } from './problems.js';
import { DocumentRecords, changesBytes } from './records.js';
import { KeyedSerial } from './serial.js';
import type { OfflineChanges, OfflineStore, OfflineWriteResult, StoredDocument } from './types.js';

const debug = createDebug('quire:client:offline:file');

export interface FileOfflineStoreOptions {
  /** Directory of the logs; created when missing. */
  directory: string;
  /**
   * fsync each write before it resolves, so it survives power loss, not only a crash of the
   * process. Writes are grouped per event-loop turn, so typing costs one fsync per turn at most.
   * Default true.
   */
  fsync?: boolean;
  /** Merge a document's log once this many bytes were appended since the last merge. Default 1 MiB. */
  compactAfterBytes?: number;
}

interface LogState {
  /** Bytes appended since the log was last compacted (or opened). */
  appended: number;
}

export class FileOfflineStore implements OfflineStore {
  readonly directory: string;
  private readonly fsync: boolean;
  private readonly compactAfterBytes: number;
  private readonly serial = new KeyedSerial();
  /** Documents whose log was checked (torn tail cut off) by this store. */
  private readonly opened = new Map<string, LogState>();
  private ready: Promise<void> | null = null;
  private closed = false;

  constructor(options: FileOfflineStoreOptions) {
    // Checked here because a misspelt option from plain JavaScript would otherwise surface only as
    // an 'offline-error' nobody listens to, while the edits silently stay in memory.
    if (typeof options?.directory !== 'string' || options.directory === '') {
      throw new TypeError('FileOfflineStore needs { directory: <path> }, the directory that keeps the offline logs.');
    }
    this.directory = options.directory;
    this.fsync = options.fsync ?? true;
    this.compactAfterBytes = options.compactAfterBytes ?? 1024 * 1024;
  }

  /** The log file of a document: a hash, since names may hold any character and 255 bytes. */
  pathOf(docName: string): string {
    return join(this.directory, `${createHash('sha256').update(docName).digest('hex')}.qlog`);
  }

  async load(docName: string): Promise<StoredDocument> {
    this.assertOpen();
    return this.serial.run(docName, async () => {
      const { records, problems } = await this.openLog(docName);
      return problems.length === 0 ? records.toStored() : { ...records.toStored(), problems };
    });
  }

  async write(docName: string, changes: OfflineChanges): Promise<OfflineWriteResult> {
    this.assertOpen();
    // Encode now: the caller may reuse its buffers once this returns.
    const record = encodeRecord(changes);
    const bytes = changesBytes(changes);
    return this.serial.run(docName, async () => {
      const problems = this.opened.has(docName) ? [] : (await this.openLog(docName)).problems;
      const state = this.opened.get(docName)!;
      try {
        await this.append(this.pathOf(docName), record);
      } catch (error) {
        // Part of the record may be on disk: check (and cut) the log again before the next append.
        this.opened.delete(docName);
        throw error;
      }
      state.appended += bytes;
      if (state.appended > this.compactAfterBytes) {
        // The write is stored: a failed merge must not make the caller append it again.
        try {
          await this.compact(docName, state);
        } catch (error) {
          debug('%s: compaction failed; the log stays as it is: %O', docName, error);
          // Try again once as much more has been appended, not at every write.
          state.appended = 0;
          problems.push(compactionFailed(docName, error));
        }
      }
      return { problems };
    });
  }

  async delete(docName: string): Promise<void> {
    this.assertOpen();
    return this.serial.run(docName, async () => {
      this.opened.delete(docName);
      const path = this.pathOf(docName);
      await Promise.all([rm(path, { force: true }), rm(`${path}.corrupt`, { force: true })]);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.serial.idle();
  }

  /**
   * Reads a log so that later appends stay readable: a torn last record is cut off; damaged
   * records are skipped and reported, and the log is rewritten from the records that checked out.
   */
  private async openLog(docName: string): Promise<{ records: DocumentRecords; problems: OfflineStoreProblem[] }> {
    await this.ensureDirectory();
    const path = this.pathOf(docName);
    const bytes = await readFile(path).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return new Uint8Array(0);
      throw error;
    });
    const log = readLog(bytes);
    const state = new DocumentRecords();
    for (const changes of log.records) state.apply(changes);
    const problems: OfflineStoreProblem[] = [];
    if (log.damaged.length > 0) {
      problems.push(damagedRecords(docName, path, log.damaged, log.records.length));
      debug('%s: %s', docName, problems[0]!.message);
      // Keep the evidence, then replace the log with what checked out, so the damage is reported once.
      // Should that fail, the damaged log stays readable as it is and is reported again next time.
      try {
        await copyFile(path, `${path}.corrupt`);
        await this.replaceLog(path, state.toStored());
      } catch (error) {
        debug('%s: rewriting the damaged log failed: %O', docName, error);
      }
    } else if (log.tornTail > 0) {
      debug('%s: cutting a torn record (%d of %d bytes are whole)', docName, log.validBytes, bytes.byteLength);
      // Should the cut fail, later appends follow the torn bytes, which reading then skips as damage.
      await truncate(path, log.validBytes).catch((error: unknown) => debug('%s: cutting the torn record failed: %O', docName, error));
    }
    if (!this.opened.has(docName)) this.opened.set(docName, { appended: 0 });
    return { records: state, problems };
  }

  private async append(path: string, record: Uint8Array): Promise<void> {
    const file = await open(path, 'a');
    try {
      const { size } = await file.stat();
      // A new (or emptied) log starts with its header, written together with the first record.
      const data = size === 0 ? concat(LOG_HEADER, record) : record;
      await file.write(data, 0, data.byteLength);
      if (this.fsync) await file.datasync();
    } finally {
      await file.close();
    }
  }

  private async compact(docName: string, state: LogState): Promise<void> {
    const started = Date.now();
    const { records } = await this.openLog(docName);
    records.compact();
    await this.replaceLog(this.pathOf(docName), records.toStored());
    state.appended = 0;
    debug('%s: compacted in %d ms', docName, Date.now() - started);
  }

  /** Replaces a log with one record holding `stored`: a temporary file, fsynced, renamed over it. */
  private async replaceLog(path: string, stored: StoredDocument): Promise<void> {
    const temporary = `${path}.${process.pid}.tmp`;
    try {
      const file = await open(temporary, 'w');
      try {
        const data = concat(LOG_HEADER, encodeRecord({ updates: stored.updates, pending: stored.pending, acknowledged: [] }));
        await file.write(data, 0, data.byteLength);
        await file.sync();
      } finally {
        await file.close();
      }
      await rename(temporary, path);
    } catch (error) {
      await rm(temporary, { force: true }).catch(() => {});
      throw error;
    }
    await this.syncDirectory();
  }

  /** Makes a rename durable: the directory entry itself must reach the disk. */
  private async syncDirectory(): Promise<void> {
    if (!this.fsync) return;
    const directory = await open(this.directory, 'r');
    try {
      await directory.sync();
    } catch (error) {
      // Some platforms cannot fsync a directory; the rename is still atomic there.
      debug('directory fsync failed: %O', error);
    } finally {
      await directory.close();
    }
  }

  private ensureDirectory(): Promise<void> {
    this.ready ??= mkdir(this.directory, { recursive: true }).then(() => undefined);
    return this.ready;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('offline store is closed');
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const joined = new Uint8Array(a.byteLength + b.byteLength);
  joined.set(a, 0);
  joined.set(b, a.byteLength);
  return joined;
}

function damagedRecords(docName: string, path: string, damaged: readonly SkippedBytes[], kept: number): OfflineStoreProblem {
  const bytes = damaged.reduce((sum, range) => sum + range.length, 0);
  const at = damaged.map((range) => range.offset).join(', ');
  return new OfflineStoreProblem(
    'damaged-records',
    docName,
    `the offline log of "${docName}" had ${bytes} unreadable bytes (at offset ${at}); they were skipped, ${kept} readable records were kept, and the damaged file was saved as ${path}.corrupt`,
  );
}
