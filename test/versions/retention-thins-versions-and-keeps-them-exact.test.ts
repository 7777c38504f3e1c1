import * as prng from 'lib0/prng';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { MemoryStore } from '../../server/persistence/memory-store.js';
import { VersionChain } from '../../server/versions/chain.js';
import { versionDefaults } from '../../server/versions/options.js';
import { versionsToRemove } from '../../server/versions/retention.js';
import type { VersionInfo, VersionKind } from '../../server/versions/types.js';
import { allContent, docOf, randomEdits } from '../helpers/random-edits.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = Date.UTC(2026, 5, 1);

const info = (id: number, ageMs: number, kind: VersionKind = 'auto'): VersionInfo => ({
  id,
  createdAt: NOW - ageMs,
  kind,
  name: null,
  authors: [],
  restoreOf: null,
  storedBytes: 1,
});

describe('retention', () => {
  it('keeps every automatic version for a day, then one an hour, one a day, one a week', () => {
    // One automatic version every 10 minutes for 120 days, oldest first.
    const versions: VersionInfo[] = [];
    for (let age = 120 * DAY, id = 1; age >= 0; age -= 10 * 60_000, id++) versions.push(info(id, age));
    const doomed = new Set(versionsToRemove(versions, NOW, { ...versionDefaults.retention, maxVersions: 100_000 }));
    const kept = versions.filter((v) => !doomed.has(v.id));
    const count = (from: number, to: number) => kept.filter((v) => NOW - v.createdAt > from && NOW - v.createdAt <= to).length;
    expect(count(-1, DAY)).toBe(versions.filter((v) => NOW - v.createdAt <= DAY).length);
    expect(count(DAY, 7 * DAY)).toBeGreaterThanOrEqual(6 * 24 - 1);
    expect(count(DAY, 7 * DAY)).toBeLessThanOrEqual(6 * 24 + 1);
    expect(count(7 * DAY, 90 * DAY)).toBeGreaterThanOrEqual(82);
    expect(count(7 * DAY, 90 * DAY)).toBeLessThanOrEqual(84);
    expect(count(90 * DAY, 121 * DAY)).toBeLessThanOrEqual(6);
  });

  it('keeps named and restore versions, expires backups, and applies the cap to automatic ones first', () => {
    const versions = [
      info(1, 200 * DAY, 'named'),
      info(2, 40 * DAY, 'backup'),
      info(3, 40 * DAY, 'restore'),
      info(4, 2 * DAY, 'backup'),
      info(5, 3 * HOUR),
      info(6, 2 * HOUR),
      info(7, HOUR),
    ];
    expect(versionsToRemove(versions, NOW, versionDefaults.retention)).toEqual([2]);
    expect(versionsToRemove(versions, NOW, { ...versionDefaults.retention, maxVersions: 4 })).toEqual([2, 5, 6]);
    expect(versionsToRemove(versions, NOW, { ...versionDefaults.retention, maxVersions: 2 })).toEqual([2, 4, 5, 6, 7]);
  });

  it('leaves every kept version reconstructing exactly after thinning a real chain', async () => {
    const store = new MemoryStore();
    const chain = new VersionChain(store.versions);
    const gen = prng.create(7);
    const live = new Y.Doc({ gc: true });
    const states = new Map<number, Uint8Array>();
    // 60 versions over 10 days, a named one now and then.
    for (let i = 0; i < 60; i++) {
      randomEdits(gen, live, prng.int32(gen, 1, 10));
      const state = Y.encodeStateAsUpdate(live);
      const kind: VersionKind = i % 13 === 0 ? 'named' : 'auto';
      const record = await chain.add('doc', state, Y.encodeSnapshot(Y.snapshot(live)), {
        kind,
        name: null,
        authors: [],
        restoreOf: null,
        createdAt: NOW - (60 - i) * 4 * HOUR,
      });
      states.set(record.id, state);
    }
    const before = await chain.list('doc');
    const doomed = versionsToRemove(before, NOW, versionDefaults.retention);
    expect(doomed.length).toBeGreaterThan(10);
    await chain.exclusive('doc', () => chain.remove('doc', doomed));
    const after = await chain.list('doc');
    expect(after.map((v) => v.id)).toEqual(before.map((v) => v.id).filter((id) => !doomed.includes(id)));
    expect(after.filter((v) => v.kind === 'named')).toHaveLength(before.filter((v) => v.kind === 'named').length);
    for (const version of after) {
      expect(allContent(docOf((await chain.read('doc', version.id))!))).toEqual(allContent(docOf(states.get(version.id)!)));
    }
  });
});
