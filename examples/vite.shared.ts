/**
 * The Vite setup every browser example shares: each example is its own Vite root whose build
 * lands in dist/examples/<name>/, imports quire through its public entry points (aliased to the
 * sources so `vite dev` needs no prior `tsc`), and proxies Socket.io to a running `npm start`.
 */
import { fileURLToPath } from 'node:url';
import type { Plugin, UserConfig } from 'vite';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/**
 * Where `vite dev` forwards the sync endpoint: a quire server started with `npm start` on the
 * default port. Set QUIRE_DEV_TARGET when it runs elsewhere (`QUIRE_DEV_TARGET=http://127.0.0.1:4000
 * npm run dev:editor`); the dev server prints the target it uses.
 */
const devServerTarget = process.env['QUIRE_DEV_TARGET'] ?? 'http://127.0.0.1:3000';

/** Which vendor chunk a module goes to (undefined: wherever Rollup puts it). */
function vendorChunk(id: string): string | undefined {
  if (!id.includes('/node_modules/')) return undefined;
  if (/\/node_modules\/(@tiptap|prosemirror-|orderedmap|rope-sequence|w3c-keyname|linkifyjs)/.test(id)) return 'prosemirror';
  if (/\/node_modules\/(@codemirror|@lezer|codemirror|style-mod|crelt|@marijn)/.test(id)) return 'codemirror';
  if (/\/node_modules\/(yjs|y-protocols|lib0|y-prosemirror|@tiptap\/y-tiptap|y-codemirror\.next)\//.test(id)) return 'yjs';
  if (/\/node_modules\/(socket\.io-|engine\.io-|@socket\.io)/.test(id)) return 'socket.io';
  return undefined;
}

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
      // The page's frame paints from a small entry chunk; the editor arrives as a lazy import,
      // split by library so a new build of one part leaves the others cached.
      rollupOptions: { output: { manualChunks: vendorChunk } },
    },
    server: {
      proxy: { '/socket.io': { target: devServerTarget, ws: true } },
    },
    plugins: [announceDevTarget()],
    clearScreen: false,
  };
}

/** `vite dev` says where it sends the sync endpoint, so a wrong target is seen, not guessed. */
function announceDevTarget(): Plugin {
  return {
    name: 'quire-announce-dev-target',
    apply: 'serve',
    configureServer(server) {
      server.config.logger.info(`  quire sync endpoint: /socket.io → ${devServerTarget} (set QUIRE_DEV_TARGET to change)`);
    },
  };
}
