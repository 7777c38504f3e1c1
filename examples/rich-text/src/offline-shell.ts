/**
 * Registers the service worker that keeps the editor's own files (sw.js, generated at build time
 * by offline-shell-plugin.ts), so the page also opens while the server is unreachable; the
 * document and unsent edits then come from the IndexedDB offline store. Only in production
 * builds: in `vite dev` a cached shell would hide every change.
 */
export function registerOfflineShell(): void {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  // Relative: the build may be served under a sub-path, and the worker's scope follows it.
  navigator.serviceWorker.register('./sw.js').catch(() => {
    // Not fatal: without it, the page needs the server to load, nothing else changes.
  });
}
