import type { QuireServer } from './create-server.js';
import type { AdminBackend } from './http/admin/backend.js';

/**
 * The admin API's view of a server, built from its public methods. `server` is resolved at each
 * call: the routes are registered before the server exists.
 */
export function adminBackendOf(server: () => QuireServer, revokeSubject: ((subject: string) => void) | null = null): AdminBackend {
  return {
    recheckAccess: (docName) => server().recheckAccess(docName === undefined ? {} : { docName }),
    revokeSubject,
    listStored: () => server().store.list(),
    isLoaded: (name) => server().isLoaded(name),
    loadedState: (name) => server().loadedState(name),
    storedUpdates: (name) => server().store.load(name),
    async applyUpdate(name, update) {
      const handle = await server().openDocument(name);
      try {
        await handle.applyUpdate(update);
      } finally {
        await handle.release().catch(() => {});
      }
    },
    deleteDocument: (name) => server().deleteDocument(name),
    get versions() {
      return server().versions;
    },
  };
}
