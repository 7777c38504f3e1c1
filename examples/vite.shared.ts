/**
 * The Vite setup every browser example shares: each example is its own Vite root whose build
 * lands in dist/examples/<name>/, imports quire through its public entry points (aliased to the
 * sources so `vite dev` needs no prior `tsc`), and proxies Socket.io to a running `npm start`.
 */
import { fileURLToPath } from 'node:url';
import type { UserConfig } from 'vite';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/** Where `vite dev` forwards the sync endpoint: a quire server started with `npm start`. */
const devServerTarget = process.env['QUIRE_DEV_TARGET'] ?? 'http://127.0.0.1:3000';

export function exampleViteConfig(exampleName: string): UserConfig {
  return {
    root: `${repoRoot}examples/${exampleName}`,
    // Relative asset URLs, so the build also works when an app serves it under a sub-path.
    base: './',
    resolve: {
      alias: {
        'y-quire/client': `${repoRoot}client/index.ts`,
        'y-quire/shared': `${repoRoot}shared/index.ts`,
      },
      // Two copies of Yjs in one page break its constructor checks; there must be exactly one.
      dedupe: ['yjs', 'y-protocols', 'lib0'],
    },
    build: {
      outDir: `${repoRoot}dist/examples/${exampleName}`,
      emptyOutDir: true,
      target: 'es2022',
      sourcemap: true,
      // The editor bundle (Tiptap + ProseMirror + Socket.io) is ~600 kB before gzip; that is expected.
      chunkSizeWarningLimit: 1000,
    },
    server: {
      proxy: { '/socket.io': { target: devServerTarget, ws: true } },
    },
    clearScreen: false,
  };
}
