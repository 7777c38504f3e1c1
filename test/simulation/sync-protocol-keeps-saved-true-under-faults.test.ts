import { expect, it } from 'vitest';
import { runSeeds } from './support/run-seeds.js';

// SIM_SEED=<n> replays one schedule (printed when it fails) with `npx vitest run test/simulation`.
const replay = process.env.SIM_SEED === undefined ? null : [Number(process.env.SIM_SEED)];
const seeds = (start: number, count: number) => replay ?? Array.from({ length: count }, (_, i) => start + i);

it('with the memory store, under seeded faults, every saved claim is in the store and all replicas converge (2,000 schedules)', async () => {
  const result = await runSeeds('memory', seeds(1, 2_000));
  expect(result.schedules).toBe(replay?.length ?? 2_000);
  // The schedules must exercise the claim: many of them end a step with a provider saying saved.
  if (replay === null) expect(result.saves).toBeGreaterThan(1_000);
}, 300_000);

it('with the LevelDB store, restarted by closing and reopening it, the same holds (200 schedules)', async () => {
  const result = await runSeeds('leveldb', seeds(100_001, 200));
  expect(result.schedules).toBe(replay?.length ?? 200);
}, 300_000);
