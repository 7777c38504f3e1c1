/**
 * Which offline-store records an ack lets go. The store removes a session's pending records up to
 * a sequence number, while acks are exact and may come out of order (a refused batch is resent
 * after later ones were stored). So a session's records are released only below its oldest entry
 * still pending; records above it stay stored until then (a reload would resend them, and the
 * server ignores what it already has).
 */
import type { AcknowledgedRange, PendingKey } from './offline/types.js';
import type { PendingEntry } from './pending-queue.js';

export function acknowledgedRanges(
  /** The provider's own session and the highest sequence number it has used so far. */
  own: PendingKey,
  /** Restored sessions and the highest sequence number restored of each. */
  restored: ReadonlyMap<string, number>,
  removed: readonly PendingEntry[],
  remaining: readonly PendingEntry[],
): AcknowledgedRange[] {
  const keyOf = (entry: PendingEntry): PendingKey => entry.restoredFrom ?? { session: own.session, seq: entry.seq };
  const oldestLeft = new Map<string, number>();
  for (const entry of remaining) {
    const { session, seq } = keyOf(entry);
    oldestLeft.set(session, Math.min(seq, oldestLeft.get(session) ?? Number.POSITIVE_INFINITY));
  }
  const sessions = new Set(removed.map((entry) => keyOf(entry).session));
  const ranges: AcknowledgedRange[] = [];
  for (const session of sessions) {
    const highest = session === own.session ? own.seq : (restored.get(session) ?? 0);
    const left = oldestLeft.get(session);
    const throughSeq = left === undefined ? highest : Math.min(highest, left - 1);
    if (throughSeq > 0) ranges.push({ session, throughSeq });
  }
  return ranges;
}
