import { cp, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { DATA_ID_FILE, DataDirectoryMissingError, checkDataDirectory, witnessPath } from '../../server/cli/data-dir-witness.js';
import { removeTempDirs, tempDir } from '../helpers/temp-dir.js';

let workDir: string;
let dataDir: string;
beforeEach(async () => {
  workDir = await tempDir('witness');
  dataDir = join(workDir, 'data');
});
afterEach(async () => {
  await removeTempDirs();
});

const refusal = () => {
  try {
    checkDataDirectory(dataDir);
    return null;
  } catch (error) {
    expect(error).toBeInstanceOf(DataDirectoryMissingError);
    return (error as Error).message;
  }
};

it('takes a new directory, then refuses it missing, emptied or replaced by another database, and accepts a copy', async () => {
  const first = checkDataDirectory(dataDir);
  expect(first).toMatchObject({ created: true, witness: witnessPath(dataDir) });
  expect(checkDataDirectory(dataDir)).toMatchObject({ id: first.id, created: false });

  // A copy (a restored backup) carries the id: accepted.
  await cp(dataDir, join(workDir, 'copy'), { recursive: true });
  await rm(dataDir, { recursive: true });
  expect(refusal()).toMatch(/is missing, but quire created a database there on .* \(id .*\).*delete .*\.data\.quire-data/);
  await mkdir(dataDir);
  expect(refusal()).toMatch(/is empty/);
  await rm(dataDir, { recursive: true });
  await rename(join(workDir, 'copy'), dataDir);
  expect(checkDataDirectory(dataDir)).toMatchObject({ id: first.id });

  await writeFile(join(dataDir, DATA_ID_FILE), JSON.stringify({ id: 'another-database', created: 'yesterday' }));
  expect(refusal()).toMatch(/holds another database \(id another-database/);

  // The operator deletes the witness on purpose: a fresh start is allowed again.
  await rm(witnessPath(dataDir));
  expect(checkDataDirectory(dataDir)).toMatchObject({ id: 'another-database', created: false });
});
