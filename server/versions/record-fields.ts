import { VERSION_KINDS, type VersionRecord } from './types.js';

/** Whether a stored record's fields (all but the snapshot) are well-formed: what every store checks on read. */
export function isVersionFields(value: unknown): value is Omit<VersionRecord, 'snapshot'> {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    Number.isSafeInteger(v.id) &&
    typeof v.createdAt === 'number' &&
    VERSION_KINDS.includes(v.kind as never) &&
    (v.name === null || typeof v.name === 'string') &&
    Array.isArray(v.authors) &&
    v.authors.every((a) => typeof a === 'string') &&
    (v.restoreOf === null || Number.isSafeInteger(v.restoreOf)) &&
    Number.isSafeInteger(v.storedBytes) &&
    (v.payload === 'keyframe' || v.payload === 'delta')
  );
}
