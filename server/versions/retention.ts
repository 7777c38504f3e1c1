/**
 * Which versions retention removes. Named and restore versions stay until someone deletes them;
 * backups expire after `backupMaxAgeMs`; automatic versions are thinned by age — all of them for
 * `keepAllMs`, then the newest per hour until `hourlyUntilMs`, the newest per day until
 * `dailyUntilMs`, the newest per week after that. Over `maxVersions`, the oldest automatic
 * versions go first, then the oldest backups. Removing a version folds its payload into its
 * successor (chain.ts), so every kept version still reconstructs exactly.
 */
import type { RetentionOptions } from './options.js';
import type { VersionInfo } from './types.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;

export function versionsToRemove(versions: readonly VersionInfo[], now: number, options: RetentionOptions): number[] {
  const doomed = new Set<number>();
  const keptBuckets = new Set<string>();
  // Newest first, so the version kept in each bucket is its newest.
  for (const version of [...versions].sort((a, b) => b.createdAt - a.createdAt)) {
    const age = now - version.createdAt;
    if (version.kind === 'backup' && age > options.backupMaxAgeMs) doomed.add(version.id);
    if (version.kind !== 'auto' || age <= options.keepAllMs) continue;
    const bucket =
      age <= options.hourlyUntilMs
        ? `h${Math.floor(version.createdAt / HOUR)}`
        : age <= options.dailyUntilMs
          ? `d${Math.floor(version.createdAt / DAY)}`
          : `w${Math.floor(version.createdAt / WEEK)}`;
    if (keptBuckets.has(bucket)) doomed.add(version.id);
    else keptBuckets.add(bucket);
  }
  let remaining = versions.length - doomed.size;
  for (const kind of ['auto', 'backup'] as const) {
    for (const version of versions) {
      if (remaining <= options.maxVersions) break;
      if (version.kind === kind && !doomed.has(version.id)) {
        doomed.add(version.id);
        remaining--;
      }
    }
  }
  return versions.filter((v) => doomed.has(v.id)).map((v) => v.id);
}
