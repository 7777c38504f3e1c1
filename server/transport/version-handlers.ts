/**
 * A socket's version-history requests (shared/events.ts `versions:*`): validated like every
 * handler, checked for access (list and get need read access, create and restore write access,
 * then the server's `versions.authorize` policy), rate limited with the sync budget (each may
 * encode a whole document).
 */
import createDebug from 'debug';
import { ErrorCodes, type ErrorInfo, QuireError } from '../../shared/errors.js';
import { isVersionId, isVersionName } from '../../shared/versions.js';
import type { ErrorOperation } from '../core/observer.js';
import type { ConnectionBudget } from '../limits/connection-budget.js';
import type { AutoVersions } from '../versions/auto.js';
import type { VersionAction } from '../versions/options.js';
import type { VersionService } from '../versions/service.js';
import { isBinary, isCallback, isPlainObject } from './payloads.js';
import type { QuireSocket } from './types.js';

export interface ConnectionVersions {
  service: VersionService;
  auto: AutoVersions;
}

const debug = createDebug('quire:server:versions');

type Guard = (name: ErrorOperation, work: (reply: (info: ErrorInfo | null, data?: object) => void) => Promise<void>, ack: unknown) => void;

/** Tells the automatic versions when the document's last client leaves. */
export function watchLastClient(socket: QuireSocket, versions: ConnectionVersions): void {
  socket.on('disconnect', () => {
    if (socket.nsp.sockets.size === 0) versions.auto.lastClientLeft(socket.data.docName);
  });
}

/**
 * The `versions:*` handlers of one socket. Built on the socket's first version request: most
 * sockets never make one, and the table would otherwise be five closures per socket.
 */
export function versionHandlers(
  socket: QuireSocket,
  versions: ConnectionVersions,
  budget: ConnectionBudget,
  guard: Guard,
): Record<string, (...args: unknown[]) => void> {
  const { docName, access, principal } = socket.data;
  const { service } = versions;
  // The application's hook: called inside the handlers, so a throw refuses the request that needed it.
  const author = () => service.options.authorName(principal);

  const admit = async (request: unknown, ack: unknown, action: VersionAction): Promise<Record<string, unknown>> => {
    if (!budget.allow('syncs')) throw new QuireError(ErrorCodes.RATE_LIMITED);
    if (!isCallback(ack) || !(request === undefined || isRequestObject(request))) throw new QuireError(ErrorCodes.BAD_PAYLOAD);
    const writes = action === 'create' || action === 'restore';
    if (writes && access !== 'write') throw new QuireError(ErrorCodes.READ_ONLY);
    const policy = service.options.authorize;
    if (policy !== undefined) {
      let allowed = false;
      try {
        allowed = (await policy(principal, docName, action)) === true;
      } catch {
        allowed = false;
      }
      if (!allowed) throw new QuireError(ErrorCodes.PERMISSION_DENIED, 'You may not do this with the versions of this document.');
    }
    if (writes && !service.allowClientWrite(docName))
      throw new QuireError(ErrorCodes.RATE_LIMITED, 'Too many versions created or restored for this document; try again shortly.');
    return request ?? {};
  };

  return {
    'versions:list': (request: unknown, ack: unknown) =>
      guard(
        'versions',
        async (reply) => {
          await admit(request, ack, 'list');
          reply(null, { versions: await service.list(docName) });
        },
        ack,
      ),

    'versions:create': (request: unknown, ack: unknown) =>
      guard(
        'versions',
        async (reply) => {
          const { name } = await admit(request, ack, 'create');
          if (!(name === undefined || name === null || isVersionName(name)))
            throw new QuireError(ErrorCodes.BAD_PAYLOAD, 'A version name is 1 to 200 characters.');
          reply(null, { version: await service.create(docName, { name: name ?? null, by: author() }) });
        },
        ack,
      ),

    'versions:get': (request: unknown, ack: unknown) =>
      guard(
        'versions',
        async (reply) => {
          const { id } = await admit(request, ack, 'get');
          if (!isVersionId(id)) throw new QuireError(ErrorCodes.BAD_PAYLOAD, 'A version id is a positive integer.');
          reply(null, { update: await service.get(docName, id) });
        },
        ack,
      ),

    'versions:restore': (request: unknown, ack: unknown) =>
      guard(
        'versions',
        async (reply) => {
          const { id } = await admit(request, ack, 'restore');
          if (!isVersionId(id)) throw new QuireError(ErrorCodes.BAD_PAYLOAD, 'A version id is a positive integer.');
          const result = await service.restore(docName, id, { by: author() });
          reply(null, { restoredId: id, backup: result.backup, restore: result.restore });
        },
        ack,
      ),
  };
}

/** A JSON-like object (binary attachments arrive as Buffers, which are objects too). */
function isRequestObject(value: unknown): value is Record<string, unknown> {
  return isPlainObject(value) && !isBinary(value);
}

/** After a client's update was applied: its author and the automatic-version clock. */
export function noteClientChange(socket: QuireSocket, versions: ConnectionVersions | undefined): void {
  if (versions === undefined) return;
  const { docName, principal } = socket.data;
  try {
    versions.service.noteAuthor(docName, versions.service.options.authorName(principal));
  } catch (error) {
    // The update is stored: a failing hook costs the author's name in the next version, not the ack.
    debug('authorName failed for a change to %s: %O', docName, error);
  }
  versions.auto.changed(docName);
}
