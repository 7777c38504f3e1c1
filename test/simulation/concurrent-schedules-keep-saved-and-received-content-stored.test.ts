import { expect, it } from 'vitest';
import { runSeeds } from '../helpers/simulation/run-seeds.js';

// SIM_SEED=<n> replays one schedule (printed when it fails); `npm run simulate -- --concurrent` runs more.
const replay = process.env.SIM_SEED === undefined ? null : [Number(process.env.SIM_SEED)];
const seeds = (start: number, count: number) => replay ?? Array.from({ length: count }, (_, i) => start + i);

it('with messages of several connections handled in one turn, cuts in the same turn as a send, writes that fail for real and documents unloaded at once, every saved claim and everything relayed or sent in a sync reply is in the store, and all replicas converge (500 schedules)', async () => {
  const result = await runSeeds('memory', seeds(500_001, 500), true);
  expect(result.schedules).toBe(replay?.length ?? 500);
  if (replay === null) expect(result.saves).toBeGreaterThan(500);
}, 300_000);

it('with the LevelDB store, the same holds (50 schedules)', async () => {
  const result = await runSeeds('leveldb', seeds(600_001, 50), true);
  expect(result.schedules).toBe(replay?.length ?? 50);
}, 300_000);
