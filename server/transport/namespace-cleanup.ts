/**
 * Drops a document's namespace once nobody uses it, without orphaning anyone.
 *
 * Socket.io's `cleanupEmptyChildNamespaces` drops a child namespace when its last *connected*
 * socket leaves, even while another socket is still in the middleware (being authenticated), and
 * it deletes the registration by name. The socket admitted afterwards then lives in a namespace
 * that is no longer registered: later joiners get a new namespace under the same name, and the
 * two never see each other's broadcasts (clients silently diverge). When the orphan empties, it
 * even deletes the newer namespace's registration, orphaning its clients in turn.
 *
 * So document namespaces get this cleanup instead: a namespace is dropped only when it has neither
 * connected sockets nor sockets waiting in the middleware, and only its own registration is removed.
 */
import createDebug from 'debug';
import type { Namespace } from 'socket.io';
import { DOC_NAMESPACE_PATTERN } from '../../shared/doc-name.js';
import type { QuireIo } from './types.js';

const debug = createDebug('quire:server:namespaces');

/** The Socket.io internals this relies on (socket.io 4.8). */
interface NamespaceInternals {
  _remove(socket: unknown): void;
  _preConnectSockets: Map<string, unknown>;
}

interface ParentInternals {
  children: Set<Namespace>;
}

export function cleanUpDocumentNamespaces(io: QuireIo, parent: Namespace): void {
  io.on('new_namespace', (nsp: Namespace) => {
    if (!DOC_NAMESPACE_PATTERN.test(nsp.name)) return;
    const internals = nsp as unknown as NamespaceInternals;
    const remove = (Object.getPrototypeOf(nsp) as NamespaceInternals)._remove;
    internals._remove = (socket: unknown) => {
      remove.call(nsp, socket);
      if (nsp.sockets.size > 0 || internals._preConnectSockets.size > 0) return;
      debug('dropping empty namespace %s', nsp.name);
      nsp.adapter.close();
      if (io._nsps.get(nsp.name) === nsp) io._nsps.delete(nsp.name);
      (parent as unknown as ParentInternals).children.delete(nsp);
    };
  });
}
