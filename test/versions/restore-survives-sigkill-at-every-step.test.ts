import { afterAll, describe, expect, it } from 'vitest';
import { Typist } from '../helpers/typist.js';
import { delay, waitFor } from '../helpers/wait-for.js';
import { runFixture } from '../helpers/persistence/fixture-process.js';
import { removeTempDirs, tempDir } from '../helpers/temp-dir.js';

const BEFORE = '<paragraph>Chapter one.</paragraph><paragraph>It was a bright morning.</paragraph><paragraph>Later text.</paragraph>';
const AFTER = '<paragraph>Chapter one.</paragraph><paragraph>It was a dark night.</paragraph>';

interface StoredState {
  editor: string;
  versions: string[];
  typists: Record<string, number[]>;
}

describe('a SIGKILL at any step of a restore leaves the document before or after it', () => {
  afterAll(async () => {
    await removeTempDirs();
  });

  it.each([
    ['before-backup', BEFORE, ['named']],
    ['after-backup', BEFORE, ['named', 'backup']],
    ['after-revert', AFTER, ['named', 'backup']],
    ['after-record', AFTER, ['named', 'backup', 'restore']],
  ])(
    'killed %s: the editor root is whole and every acknowledged update is kept',
    { timeout: 60_000 },
    async (killPoint, editor, versions) => {
      const dir = await tempDir('restore-kill');
      const server = runFixture('restore-crasher', [dir, 'run', killPoint]);
      const url = (await server.waitForLine((line) => line.startsWith('ready '))).slice('ready '.length);
      const typists = [new Typist('ann'), new Typist('bo')];
      await Promise.all(typists.map((typist) => typist.connect(url, 'story')));
      let killed = false;
      // Paced typing: at most 16 unacknowledged entries each, so the server is busy but not flooded.
      const typing = typists.map(async (typist) => {
        while (!killed) {
          await typist.typeUntil(() => typist.typed - typist.acknowledged.size >= 16);
          await delay(1);
        }
      });
      await waitFor(() => typists.every((typist) => typist.acknowledged.size > 50), 'some acknowledged typing');
      server.child.stdin!.write('restore\n');
      const { signal } = await server.exited;
      killed = true;
      expect(signal).toBe('SIGKILL');
      await Promise.all(typing);
      typists.forEach((typist) => typist.close());

      const checker = runFixture('restore-crasher', [dir, 'check']);
      const line = await checker.waitForLine((l) => l.startsWith('state '));
      await checker.exited;
      const state = JSON.parse(line.slice('state '.length)) as StoredState;
      expect(state.editor).toBe(editor);
      expect(state.versions).toEqual(versions);
      for (const typist of typists) {
        const stored = new Set(state.typists[typist.name]);
        expect(
          [...typist.acknowledged].filter((seq) => !stored.has(seq)),
          `${typist.name} lost acknowledged entries`,
        ).toEqual([]);
      }
    },
  );
});
