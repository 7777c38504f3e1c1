import createDebug from 'debug';
import type { Db } from './db.js';
import type { Health } from './health.js';
import type { Writer } from './writer.js';

const log = createDebug('quire:store:leveldb:recovery');

const FIRST_DELAY_MS = 50;
const MAX_DELAY_MS = 2000;

export interface RecoverySteps {
  /** Resolves when no read is running (the database is about to be closed under them). */
  readsSettled(): Promise<void>;
  /** Checks the reopened database against the ledger and starts a clean ledger; throws if it cannot. */
  verify(): Promise<void>;
}

/**
 * Brings the store back after a failed write: reopens the database so LevelDB recovers its log
 * (skipping the damaged record the failure may have left at its end) into a table and starts a
 * fresh log, checks what it holds against the ledger, and only then accepts writes again. Runs
 * as a writer job, so no write can slip in between; retried with backoff while it fails (a disk
 * still full cannot hold the recovered table yet). A removed or replaced data directory is never
 * reopened: only if the very same directory comes back.
 */
export class Recovery {
  private timer: NodeJS.Timeout | null = null;
  private attempts = 0;
  private stopped = false;
  private running: Promise<void> | null = null;

  constructor(
    private readonly db: Db,
    private readonly writer: Writer,
    private readonly health: Health,
    private readonly steps: RecoverySteps,
    private readonly onRecovered: () => void,
  ) {}

  /** Plans an attempt (unless one is planned or running). */
  schedule(): void {
    if (this.stopped || this.timer !== null || this.running !== null) return;
    const delay = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** this.attempts);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.running = this.attempt().finally(() => {
        this.running = null;
        if (!this.health.accepting) this.schedule();
      });
    }, delay);
    this.timer.unref();
  }

  /** Plans no more attempts and waits for a running one. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  private attempt(): Promise<void> {
    return this.writer.exclusive(async () => {
      if (this.stopped || this.health.accepting) return;
      this.attempts++;
      const problem = this.db.directoryProblem();
      if (problem !== null) {
        this.health.fail(problem.reason, problem.detail);
        return;
      }
      try {
        await this.steps.readsSettled();
        await this.db.reopen();
        await this.steps.verify();
      } catch (err) {
        log('recovery attempt %d failed: %s', this.attempts, (err as Error).message);
        this.health.fail(
          'write-failed',
          `A write failed and the database could not be reopened yet (attempt ${this.attempts}): ${(err as Error).message}`,
        );
        return;
      }
      log('recovered after %d attempts', this.attempts);
      this.attempts = 0;
      this.health.recovered();
      this.onRecovered();
    });
  }
}
