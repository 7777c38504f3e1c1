import * as prng from 'lib0/prng';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { RevertRunner } from '../../server/versions/revert-runner.js';
import { computeRevert } from '../../server/versions/revert.js';
import { EDITED_ROOTS, allContent, docOf, randomEdits } from '../helpers/random-edits.js';

describe('a restore above the size threshold is computed in a worker thread', () => {
  const runners: RevertRunner[] = [];
  afterEach(async () => {
    for (const runner of runners) await runner.close();
  });

  it('gives the same revert as computing it inline', async () => {
    const runner = new RevertRunner(0);
    runners.push(runner);
    for (const seed of [1, 2, 3]) {
      const gen = prng.create(seed);
      const live = new Y.Doc({ gc: true });
      randomEdits(gen, live, 30);
      const target = Y.encodeStateAsUpdate(live);
      randomEdits(gen, live, 30);
      const input = { target, live: Y.encodeStateAsUpdate(live), roots: [...EDITED_ROOTS] };
      const inWorker = await runner.compute(input);
      const inline = computeRevert(input);
      expect(inWorker === null).toBe(inline === null);
      const a = docOf(input.live);
      if (inWorker !== null) Y.applyUpdate(a, inWorker);
      expect(allContent(a)).toEqual(allContent(docOf(target)));
    }
  });

  it('stops its workers on close', async () => {
    const runner = new RevertRunner(0);
    const doc = new Y.Doc();
    doc.getText('text').insert(0, 'abc');
    const pending = runner.compute({ target: Y.encodeStateAsUpdate(doc), live: Y.encodeStateAsUpdate(doc), roots: ['text'] });
    await runner.close();
    await pending.catch(() => {});
  });
});
