/** `y-quire --help`, generated from the schema's option table so it lists every option. */
import { PACKAGE_NAME } from '../cli/package-root.js';
import { defaultText, optionInfo } from './option-info.js';
import type { OptionKey } from './schema.js';

export function helpText(): string {
  const rows = (Object.keys(optionInfo) as OptionKey[]).map((key) => {
    const info = optionInfo[key];
    const flag = `--${info.flag}${info.arg === undefined ? '' : ` ${info.arg}`}`;
    return [
      `  ${flag}`,
      `      ${info.description}.`,
      `      env ${info.env} · config file key "${key}" · default: ${defaultText(key)}`,
      `      allowed: ${info.allowed}`,
    ].join('\n');
  });
  return `Usage: ${PACKAGE_NAME} [options]    (npx ${PACKAGE_NAME}, or npm start -- [options] in a checkout)
       ${PACKAGE_NAME} repair --data <dir> [--dry-run] [--json]   (see ${PACKAGE_NAME} repair --help)

Serves the example editor and the quire sync endpoint, with documents stored in LevelDB.
Operations endpoints: GET /healthz, GET /readyz, GET /metrics; the admin API under /admin
when an admin token is set. See docs/OPERATING.md.

Each option can be given as a flag, an environment variable, or a key in a JSON config file;
a flag wins over the environment, which wins over the file.

Options:
  -c, --config <file>
      JSON file of options, e.g. {"port": 8080, "logLevel": "debug"}.
      env QUIRE_CONFIG · default: none
${rows.join('\n')}
  -h, --help
      Show this help.
  -v, --version
      Print the version.

A bad value exits with status 2. SIGTERM or SIGINT shuts down gracefully (exit 0).
`;
}
