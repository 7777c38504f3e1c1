import { expect, it } from 'vitest';
import { acknowledgedRanges } from '../../client/acknowledged-ranges.js';
import type { PendingEntry } from '../../client/pending-queue.js';

const entry = (seq: number, restoredFrom: PendingEntry['restoredFrom'] = null): PendingEntry => ({
  seq,
  update: new Uint8Array(1),
  restoredFrom,
});

it('the offline store releases records only below the oldest entry still pending of each session', () => {
  const own = { session: 'own', seq: 6 };
  const restored = new Map([['old', 9]]);
  // Entries 4–6 stored while 1–3 wait for a resend: nothing of the own session may go yet.
  expect(acknowledgedRanges(own, restored, [entry(4), entry(5), entry(6)], [entry(1), entry(2), entry(3)])).toEqual([]);
  // Then 1–3 are stored too: everything up to the last one used goes.
  expect(acknowledgedRanges(own, restored, [entry(1), entry(2), entry(3)], [])).toEqual([{ session: 'own', throughSeq: 6 }]);
  // A restored session's records go up to its oldest one still pending.
  const fromOld = [entry(7, { session: 'old', seq: 8 })];
  expect(acknowledgedRanges(own, restored, fromOld, [entry(8, { session: 'old', seq: 5 })])).toEqual([{ session: 'old', throughSeq: 4 }]);
  expect(acknowledgedRanges(own, restored, fromOld, [])).toEqual([{ session: 'old', throughSeq: 9 }]);
});
