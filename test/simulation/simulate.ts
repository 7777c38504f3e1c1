/**
 * `npm run simulate -- [--count N] [--start S | --random] [--store memory|leveldb] [--seed S] [--concurrent]`:
 * a longer run of the sync protocol simulation than the test suite's fixed seeds. A failure
 * prints its seed; `--seed S` (or SIM_SEED=S with the test) replays exactly that schedule.
 */
import { parseArgs } from 'node:util';
import { type StoreKind, runSeeds } from '../helpers/simulation/run-seeds.js';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '20000' },
    start: { type: 'string' },
    random: { type: 'boolean', default: false },
    seed: { type: 'string' },
    store: { type: 'string', default: 'memory' },
    concurrent: { type: 'boolean', default: false },
  },
});

const store = values.store as StoreKind;
const count = values.seed === undefined ? Number(values.count) : 1;
const start =
  values.seed !== undefined
    ? Number(values.seed)
    : values.start !== undefined
      ? Number(values.start)
      : values.random
        ? Math.floor(Math.random() * 2 ** 31)
        : 1;
const started = Date.now();
try {
  const result = await runSeeds(
    store,
    Array.from({ length: count }, (_, i) => start + i),
    values.concurrent,
  );
  process.stdout.write(
    `${result.schedules} schedules (seeds ${start}…${start + count - 1}, ${store} store${values.concurrent ? ', concurrent' : ''}): ${result.steps} steps, ${result.saves} saved claims checked, nothing found, in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
  );
} catch (error) {
  process.stdout.write(
    `${error instanceof Error ? error.message : String(error)}\nreplay: npm run simulate -- --store ${store}${values.concurrent ? ' --concurrent' : ''} --seed <seed above>\n`,
  );
  process.exitCode = 1;
}
// A failed schedule leaves its documents loaded (their unload timers would keep the process up).
process.exit();
