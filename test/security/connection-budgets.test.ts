import { describe, expect, it } from 'vitest';
import { ConnectionBudget } from '../../server/limits/connection-budget.js';
import { resolveLimits } from '../../server/options.js';

const MiB = 1024 * 1024;

function budgetAt(clock: { now: number }) {
  return new ConnectionBudget(resolveLimits({}), () => clock.now);
}

describe('per-connection budgets let an honest client through and stop a flood', () => {
  it('counts a catch-up (the step 2 after a sync request) apart from typing', () => {
    const clock = { now: 0 };
    const budget = budgetAt(clock);
    // 30 documents with 1 MB of offline edits each, at once.
    for (let i = 0; i < 30; i++) expect(budget.allowUpdate(MiB, true)).toBe(true);
    // Typing still has its whole byte budget.
    expect(budget.allowUpdate(16 * MiB)).toBe(true);
    expect(budget.allowUpdate(1)).toBe(false);
  });

  it('spends nothing when it refuses', () => {
    const clock = { now: 0 };
    const budget = budgetAt(clock);
    expect(budget.allowUpdate(16 * MiB)).toBe(true);
    expect(budget.allowUpdate(MiB)).toBe(false);
    clock.now += 1_000;
    expect(budget.allowUpdate(MiB)).toBe(true);
  });

  it('does not hold RATE_LIMITED against the client as a violation, up to a flood', () => {
    const budget = budgetAt({ now: 0 });
    for (let i = 0; i < 1_000; i++) expect(budget.violation('RATE_LIMITED')).toBe(false);
    // The violations budget is untouched by them …
    for (let i = 0; i < 50; i++) expect(budget.violation('BAD_PAYLOAD')).toBe(false);
    // … and a client that keeps flooding over its limits is closed.
    expect(budget.violation('RATE_LIMITED')).toBe(true);
  });

  it('never counts refusals the client could not avoid or the server caused', () => {
    const budget = budgetAt({ now: 0 });
    for (let i = 0; i < 200; i++) {
      for (const code of ['CLIENT_ID_TAKEN', 'SERVER_BUSY', 'STORE_FAILED', 'LOAD_FAILED', 'DOCUMENT_CLOSED', 'SHUTTING_DOWN'] as const) {
        expect(budget.violation(code)).toBe(false);
      }
    }
  });
});
