import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PostgresStore } from '../../server/persistence/postgres-store.js';
import { missingUpdates, readStoredDocument } from '../helpers/cluster/verifier.js';
import { dropSchema, postgresReachable, postgresUrlFor, uniqueSchema } from '../helpers/cluster/services.js';
import { runFixture } from '../helpers/persistence/fixture-process.js';

describe.skipIf(!postgresReachable)('a process SIGKILLed with a PostgreSQL compaction transaction open', () => {
  let schema: string;
  let url: string;

  beforeEach(() => {
    schema = uniqueSchema('compaction_kill');
    url = postgresUrlFor(schema);
  });

  afterEach(async () => {
    await dropSchema(schema);
  });

  for (const stage of ['before-update', 'before-delete', 'before-commit']) {
    it(`leaves every row in place, without a hole, and the document loadable (killed ${stage.replace('-', ' ')})`, async () => {
      const writer = runFixture('postgres-compaction-in-flight', [url, 'doc', stage]);
      await writer.waitForLine((line) => line === `in-compaction ${stage}`);
      const appended = writer.lines
        .filter((line) => line.startsWith('update '))
        .map((line) => new Uint8Array(Buffer.from(line.slice(7), 'base64')));
      writer.child.kill('SIGKILL');
      await writer.exited;

      const stored = await readStoredDocument(url, 'doc');
      expect(stored.headSeq).toBe(120);
      expect(stored.rows).toBe(120);
      expect(missingUpdates(stored.doc, appended)).toEqual([]);

      // The store goes on: the next append takes the next number, and a compaction now completes.
      const store = await PostgresStore.open({ url });
      try {
        await store.append('doc', appended[0]!);
        await store.compact('doc');
        const after = await readStoredDocument(url, 'doc');
        expect(after.headSeq).toBe(121);
        expect(after.rows).toBe(0);
        expect(missingUpdates(after.doc, appended)).toEqual([]);
      } finally {
        await store.close();
      }
    });
  }
});
