import { expect, it } from 'vitest';
import { runSeeds } from '../helpers/simulation/run-seeds.js';

// SIM_SEED=<n> replays one schedule (printed when it fails) with `npx vitest run test/simulation`.
const replay = process.env.SIM_SEED === undefined ? null : [Number(process.env.SIM_SEED)];
const seeds = (start: number, count: number) => replay ?? Array.from({ length: count }, (_, i) => start + i);

it('with the memory store, under seeded faults, every saved claim is in the store and all replicas converge (1,000 schedules)', async () => {
  const result = await runSeeds('memory', seeds(1, 1_000));
  expect(result.schedules).toBe(replay?.length ?? 1_000);
  // The schedules must exercise the claim: many of them end a step with a provider saying saved.
  if (replay === null) expect(result.saves).toBeGreaterThan(1_000);
}, 300_000);

it('with the LevelDB store, restarted by closing and reopening it, the same holds (100 schedules)', async () => {
  const result = await runSeeds('leveldb', seeds(100_001, 100));
  expect(result.schedules).toBe(replay?.length ?? 100);
}, 300_000);
