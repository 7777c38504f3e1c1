/**
 * Namespace middleware: decides whether a socket may open a document, before it joins.
 * A refusal reaches the client as `connect_error` with `data: { code, message }`; Socket.io does
 * not retry a namespace its middleware refused, so a denied client does not loop.
 */
import { readHandshakeParams } from '../../shared/handshake-params.js';
import createDebug from 'debug';
import type { ExtendedError } from 'socket.io';
import { docNameFromNamespace, docNamespace } from '../../shared/doc-name.js';
import { type ErrorInfo, ErrorCodes, QuireError, errorInfo } from '../../shared/errors.js';
import { PROTOCOL_VERSION } from '../../shared/protocol/version.js';
import { writerKeyOf } from '../core/client-id-owners.js';
import type { CoreObserver } from '../core/observer.js';
import type { Access } from '../core/origins.js';
import type { ConnectionBudgets } from './budgets.js';
import type { Authenticate, Authorize, HandshakeInfo } from './hooks.js';
import { isPlainObject } from './payloads.js';
import type { QuireSocket } from './types.js';

const debug = createDebug('quire:server:handshake');

export interface HandshakeOptions {
  authenticate?: Authenticate | undefined;
  authorize?: Authorize | undefined;
  budgets: ConnectionBudgets;
  /** Told about refusals (errors by code). */
  observer?: CoreObserver | undefined;
  /**
   * Whether a browser page's origin may use the server (see http/cors.ts). Checked here as well as
   * at the engine, so it also holds when quire is attached to an application's Socket.io server.
   */
  originAllowed?: ((headers: HandshakeInfo['headers']) => boolean) | undefined;
}

export function refusal(info: ErrorInfo): ExtendedError {
  const error: ExtendedError = new Error(info.message);
  error.data = info;
  return error;
}

export function handshakeMiddleware(options: HandshakeOptions) {
  const { budgets } = options;
  return (socket: QuireSocket, next: (error?: ExtendedError) => void): void => {
    const refuse = (info: ErrorInfo, cause?: unknown): void => {
      debug('refused %s on %s: %s', socket.id, socket.nsp.name, info.code);
      options.observer?.error({
        docName: socket.data.docName ?? docNameOrNull(socket.nsp.name),
        code: info.code,
        operation: 'handshake',
        cause,
      });
      // A connection that keeps opening what it may not is closed. `next` is called either way:
      // Socket.io only forgets a socket waiting in the middleware once `next` has been called.
      budgets.refused(socket, info);
      next(refusal(info));
    };
    const budget = budgets.of(socket);
    if (budget.closed) return next(refusal(errorInfo(ErrorCodes.POLICY_VIOLATION)));
    // Checked before authentication, so a flood of opens costs no token verification and no loads.
    if (!budget.allow('joins')) return refuse(errorInfo(ErrorCodes.RATE_LIMITED));
    // The limit travels with the refusal, so the client opens its next documents on another connection.
    if (!budget.reserveDocument())
      return refuse({ ...errorInfo(ErrorCodes.TOO_MANY_DOCUMENTS), limit: budgets.limits.maxDocumentsPerConnection });
    admit(socket, options).then(
      () => next(),
      (error: unknown) => {
        budget.releaseDocument();
        if (error instanceof QuireError) refuse(error.toInfo());
        else refuse(errorInfo(ErrorCodes.INTERNAL), error);
      },
    );
  };
}

const MAX_EARLIER_SESSIONS = 16;
const MAX_OWN_CLIENT_IDS = 8;

function isSessionKey(value: unknown): value is string {
  return typeof value === 'string' && value.length >= 16 && value.length <= 128;
}

function docNameOrNull(namespace: string): string | null {
  try {
    return docNameFromNamespace(namespace);
  } catch {
    return null;
  }
}

async function admit(socket: QuireSocket, options: HandshakeOptions): Promise<void> {
  if (options.originAllowed !== undefined && !options.originAllowed(socket.handshake.headers)) {
    throw new QuireError(ErrorCodes.ORIGIN_NOT_ALLOWED);
  }
  const auth: Record<string, unknown> = isPlainObject(socket.handshake.auth) ? socket.handshake.auth : {};
  if (auth.protocol !== PROTOCOL_VERSION) {
    throw new QuireError(
      ErrorCodes.PROTOCOL_MISMATCH,
      `This server speaks quire protocol ${PROTOCOL_VERSION}; the client sent ${JSON.stringify(auth.protocol ?? null)}.`,
    );
  }
  const docName = docNameFromNamespace(socket.nsp.name);
  // One namespace per document: other spellings of the same name would split its clients.
  if (socket.nsp.name !== docNamespace(docName)) {
    throw new QuireError(ErrorCodes.BAD_DOC_NAME, 'The namespace must be "/doc/" + encodeURIComponent(name).');
  }
  const handshake: HandshakeInfo = {
    token: typeof auth.token === 'string' ? auth.token : undefined,
    auth,
    headers: socket.handshake.headers,
    address: socket.handshake.address,
    query: socket.handshake.query,
    params: readHandshakeParams(auth.params),
  };
  let principal: unknown = null;
  if (options.authenticate !== undefined) {
    try {
      principal = await options.authenticate(handshake);
    } catch (error) {
      debug('authentication failed for %s: %O', docName, error);
      throw error instanceof QuireError ? error : new QuireError(ErrorCodes.AUTH_FAILED);
    }
  }
  let access: Access = 'write';
  if (options.authorize !== undefined) {
    let granted: Awaited<ReturnType<Authorize>>;
    try {
      granted = await options.authorize(principal, docName);
    } catch (error) {
      debug('authorization failed for %s: %O', docName, error);
      throw new QuireError(ErrorCodes.PERMISSION_DENIED);
    }
    if (granted !== 'write' && granted !== 'read') throw new QuireError(ErrorCodes.PERMISSION_DENIED);
    access = granted;
  }
  socket.data.docName = docName;
  socket.data.principal = principal;
  socket.data.access = access;
  socket.data.sessionKey = isSessionKey(auth.session) ? auth.session : socket.id;
  // Earlier sessions of this device whose unsent edits the client carries (a reload while offline):
  // it may write under their client ids too. Session keys are secrets, so presenting one proves it.
  const earlier = Array.isArray(auth.sessions) ? auth.sessions.filter(isSessionKey).slice(0, MAX_EARLIER_SESSIONS) : [];
  socket.data.writerKeys = [socket.data.sessionKey, ...earlier].map(writerKeyOf);
  if (Array.isArray(auth.clientIds)) {
    socket.data.ownClientIds = auth.clientIds
      .filter((id): id is number => Number.isSafeInteger(id) && id >= 0 && id < 2 ** 53)
      .slice(0, MAX_OWN_CLIENT_IDS);
  }
}
