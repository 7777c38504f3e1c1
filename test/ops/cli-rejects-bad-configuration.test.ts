import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/ops/cli-process.js';
import { removeTempDirs, tempDir } from '../helpers/temp-dir.js';

describe('a bad configuration value fails fast with exit 2 and a message naming option, value and what is allowed', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await tempDir('config');
    await writeFile(join(dir, 'bad-value.json'), JSON.stringify({ port: 'eighty' }));
    await writeFile(join(dir, 'unknown-key.json'), JSON.stringify({ prot: 8080 }));
    await writeFile(join(dir, 'not-json.json'), '{ port: 8080 ');
  });
  afterAll(async () => {
    await removeTempDirs();
  });

  // [what, args, env, every fragment the message must contain]
  const cases: [string, string[], Record<string, string>, string[]][] = [
    ['a port that is not a number', ['--port', 'abc'], {}, ['--port', '"abc"', 'an integer from 0 to 65535']],
    ['a port out of range from the environment', [], { PORT: '70000' }, ['PORT', '--port', '"70000"', 'an integer from 0 to 65535']],
    ['an empty host', ['--host', ' '], {}, ['--host', '" "', 'a host name or IP address']],
    ['an unknown log level', ['--log-level', 'loud'], {}, ['--log-level', '"loud"', 'fatal, error, warn, info, debug, trace, silent']],
    ['an unknown log format from the environment', [], { LOG_FORMAT: 'xml' }, ['LOG_FORMAT', '"xml"', 'auto, json, pretty']],
    ['a negative grace period', ['--unload-grace-ms=-5'], {}, ['--unload-grace-ms', '"-5"', 'an integer from 0 to 86400000']],
    ['a boolean that is neither', [], { QUIRE_FSYNC: 'maybe' }, ['QUIRE_FSYNC', '--fsync', '"maybe"', 'true or false']],
    ['a socket path without a slash', ['--path', 'socket'], {}, ['--path', '"socket"', 'a URL path starting with /']],
    [
      'a CORS origin that is not one',
      ['--cors-origin', 'ftp://files'],
      {},
      ['--cors-origin', 'ftp://files', 'origins like https://app.example.com'],
    ],
    [
      'an update limit above the message limit',
      ['--max-message-bytes', '4096', '--max-update-bytes', '8192'],
      {},
      ['--max-update-bytes', '"8192"', 'at most --max-message-bytes', '4096'],
    ],
    ['a shutdown timeout too short', ['--shutdown-timeout-ms', '5'], {}, ['--shutdown-timeout-ms', '"5"', 'an integer from 100 to 600000']],
    ['a short admin token, without echoing it', ['--admin-token', 'hunter2'], {}, ['--admin-token', '(hidden)', 'at least 16 characters']],
    [
      'a static directory that does not exist',
      ['--static', '/nonexistent/quire-site'],
      {},
      ['--static', '/nonexistent/quire-site', 'an existing directory'],
    ],
    [
      'an unknown flag, with the flag it was likely meant to be',
      ['--prot', '80'],
      {},
      ["'--prot'", 'Did you mean --port?', 'npx y-quire --help'],
    ],
    ['a misspelt flag with an equals sign', ['--max-conections=5'], {}, ["'--max-conections'", 'Did you mean --max-connections?']],
    ['a flag without its value', ['--port'], {}, ['--port', 'npx y-quire --help']],
    ['a missing config file', ['--config', '/nonexistent/quire.json'], {}, ['/nonexistent/quire.json', 'ENOENT']],
  ];

  it.concurrent.each(cases)('%s', async (_, args, env, fragments) => {
    const result = await runCli(args, env);
    expect(result.code).toBe(2);
    for (const fragment of fragments) expect(result.stderr).toContain(fragment);
    expect(result.stdout).not.toContain('listening');
    if (args.includes('hunter2')) expect(result.stderr).not.toContain('hunter2');
  });

  it.concurrent.each([
    ['a bad value in the config file', 'bad-value.json', ['"port" in', 'bad-value.json', '"eighty"', 'an integer from 0 to 65535']],
    ['an unknown key in the config file', 'unknown-key.json', ['unknown option "prot"', 'Known options']],
    ['a config file that is not JSON', 'not-json.json', ['not valid JSON']],
  ])('%s', async (_, file, fragments) => {
    const result = await runCli(['--config', join(dir, file)]);
    expect(result.code).toBe(2);
    for (const fragment of fragments) expect(result.stderr).toContain(fragment);
  });
});
