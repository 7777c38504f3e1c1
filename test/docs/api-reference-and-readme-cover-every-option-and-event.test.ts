/**
 * The API reference is generated from the types (TypeDoc, `npm run docs`), so it cannot drift;
 * this checks that it builds without warnings and that it, and the README, name every option
 * and event the types declare. The names are read from the sources with the TypeScript compiler,
 * independently of TypeDoc.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TempDir, makeTempDir } from '../helpers/temp-dir.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));

/** The property names an interface (or class's public members) declares in `file`. */
function declaredNames(file: string, name: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(join(repo, file), 'utf8'), ts.ScriptTarget.ES2022, true);
  const names: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isInterfaceDeclaration(node) || ts.isClassDeclaration(node)) && node.name?.text === name) {
      for (const member of node.members) {
        const modifiers = ts.canHaveModifiers(member) ? (ts.getModifiers(member) ?? []) : [];
        if (modifiers.some((m) => m.kind === ts.SyntaxKind.PrivateKeyword || m.kind === ts.SyntaxKind.ProtectedKeyword)) continue;
        if (member.name === undefined || ts.isPrivateIdentifier(member.name) || ts.isConstructorDeclaration(member)) continue;
        names.push(member.name.getText(source).replace(/^['"]|['"]$/g, ''));
      }
      // Constructor parameter properties (`readonly url: string`) are public members too.
      for (const member of node.members) {
        if (!ts.isConstructorDeclaration(member)) continue;
        for (const parameter of member.parameters) {
          const modifiers = ts.getModifiers(parameter) ?? [];
          if (
            modifiers.some((m) => m.kind === ts.SyntaxKind.ReadonlyKeyword) &&
            !modifiers.some((m) => m.kind === ts.SyntaxKind.PrivateKeyword)
          ) {
            names.push(parameter.name.getText(source));
          }
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  if (names.length === 0) throw new Error(`${name} not found in ${file}`);
  return names;
}

const DECLARED = {
  providerOptions: declaredNames('client/provider-types.ts', 'QuireProviderOptions'),
  providerEvents: declaredNames('client/provider-types.ts', 'QuireProviderEvents'),
  provider: declaredNames('client/provider.ts', 'QuireProvider'),
  serverOptions: declaredNames('server/options.ts', 'QuireServerOptions'),
};

describe('the API reference', () => {
  let out: TempDir;
  let built: { stdout: string; stderr: string };
  const page = (path: string) => readFileSync(join(out.path, path), 'utf8');
  /** A member documented on a page has its own anchor there. */
  const anchor = (name: string) => `href="#${name.toLowerCase()}"`;

  beforeAll(async () => {
    out = await makeTempDir('api');
    built = await promisify(execFile)(
      process.execPath,
      [join(repo, 'node_modules/typedoc/bin/typedoc'), '--out', out.path, '--json', join(out.path, 'api.json')],
      { cwd: repo, timeout: 180_000, maxBuffer: 16 * 1024 * 1024 },
    );
  }, 200_000);
  afterAll(async () => {
    await out?.remove();
  });

  it('builds with no warnings (typedoc.json treats them as errors)', () => {
    expect(built.stdout + built.stderr).not.toMatch(/\[warning\]|\[error\]/);
  });

  it('documents every provider option, event and member, and every server option', () => {
    const options = page('interfaces/y-quire_client.QuireProviderOptions.html');
    for (const name of DECLARED.providerOptions) expect(options, `option ${name}`).toContain(anchor(name));
    const events = page('interfaces/y-quire_client.QuireProviderEvents.html');
    for (const name of DECLARED.providerEvents) expect(events, `event ${name}`).toContain(anchor(name));
    const provider = page('classes/y-quire_client.QuireProvider.html');
    for (const name of DECLARED.provider) expect(provider, `member ${name}`).toContain(anchor(name));
    const server = page('interfaces/y-quire_server.QuireServerOptions.html');
    for (const name of DECLARED.serverOptions) expect(server, `server option ${name}`).toContain(anchor(name));
  });

  it('shows status and synced as read-only accessors', () => {
    const reflection = JSON.parse(page('api.json')) as {
      children: Array<{
        name: string;
        children?: Array<{
          name: string;
          children?: Array<{ name: string; kind: number; getSignature?: unknown; setSignature?: unknown }>;
        }>;
      }>;
    };
    const client = reflection.children.find((module) => module.name === 'y-quire/client')!;
    const provider = client.children!.find((child) => child.name === 'QuireProvider')!;
    for (const name of ['status', 'synced']) {
      const member = provider.children!.find((child) => child.name === name)!;
      expect(member.getSignature, name).toBeDefined();
      expect(member.setSignature, name).toBeUndefined();
    }
  });
});

describe('the README', () => {
  const readme = readFileSync(join(repo, 'README.md'), 'utf8');

  it('names every provider option and event, and every server option', () => {
    for (const name of [...DECLARED.providerOptions, ...DECLARED.providerEvents, ...DECLARED.serverOptions]) {
      expect(readme, name).toContain(`\`${name}`);
    }
  });

  it('names every public provider member', () => {
    for (const name of DECLARED.provider) expect(readme, name).toContain(`\`${name}`);
  });

  it('says how to install the package and where the dev proxy sends the sync endpoint', () => {
    expect(readme).toContain('npm install y-quire');
    expect(readme).toContain('QUIRE_DEV_TARGET');
  });
});
