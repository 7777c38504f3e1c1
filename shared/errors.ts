/**
 * Stable error codes. Clients and operators match on `code`; `message` is safe to show a user
 * (it never contains document content or internal details).
 */
export const ErrorCodes = {
  PROTOCOL_MISMATCH: 'PROTOCOL_MISMATCH',
  BAD_DOC_NAME: 'BAD_DOC_NAME',
  BAD_PAYLOAD: 'BAD_PAYLOAD',
  MALFORMED_UPDATE: 'MALFORMED_UPDATE',
  UPDATE_TOO_LARGE: 'UPDATE_TOO_LARGE',
  MESSAGE_TOO_LARGE: 'MESSAGE_TOO_LARGE',
  MISSING_DEPENDENCIES: 'MISSING_DEPENDENCIES',
  AWARENESS_TOO_LARGE: 'AWARENESS_TOO_LARGE',
  AWARENESS_NOT_OWNED: 'AWARENESS_NOT_OWNED',
  LOAD_FAILED: 'LOAD_FAILED',
  STORE_FAILED: 'STORE_FAILED',
  AUTH_FAILED: 'AUTH_FAILED',
  TOKEN_EXPIRED: 'TOKEN_EXPIRED',
  PERMISSION_DENIED: 'PERMISSION_DENIED',
  ORIGIN_NOT_ALLOWED: 'ORIGIN_NOT_ALLOWED',
  ACCESS_CHANGED: 'ACCESS_CHANGED',
  READ_ONLY: 'READ_ONLY',
  RATE_LIMITED: 'RATE_LIMITED',
  TOO_MANY_DOCUMENTS: 'TOO_MANY_DOCUMENTS',
  POLICY_VIOLATION: 'POLICY_VIOLATION',
  CLIENT_ID_TAKEN: 'CLIENT_ID_TAKEN',
  STATE_VECTOR_TOO_LARGE: 'STATE_VECTOR_TOO_LARGE',
  SLOW_CONSUMER: 'SLOW_CONSUMER',
  TOO_MANY_CONNECTIONS: 'TOO_MANY_CONNECTIONS',
  SERVER_BUSY: 'SERVER_BUSY',
  DOCUMENT_CLOSED: 'DOCUMENT_CLOSED',
  SHUTTING_DOWN: 'SHUTTING_DOWN',
  DOCUMENT_NOT_FOUND: 'DOCUMENT_NOT_FOUND',
  VERSION_NOT_FOUND: 'VERSION_NOT_FOUND',
  VERSIONS_UNAVAILABLE: 'VERSIONS_UNAVAILABLE',
  RESTORE_IN_PROGRESS: 'RESTORE_IN_PROGRESS',
  VERSION_LIMIT: 'VERSION_LIMIT',
  INTERNAL: 'INTERNAL',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

const safeMessages: Record<ErrorCode, string> = {
  PROTOCOL_MISMATCH: 'Client and server speak different quire protocol versions.',
  BAD_DOC_NAME: 'Document names must be 1 to 255 bytes of UTF-8 in Unicode NFC, without control or invisible characters.',
  BAD_PAYLOAD: 'The message payload has the wrong type or shape.',
  MALFORMED_UPDATE: 'The update could not be decoded.',
  UPDATE_TOO_LARGE: 'The update exceeds the maximum update size.',
  MESSAGE_TOO_LARGE: 'A message exceeded what the connection accepts, and the connection was closed.',
  MISSING_DEPENDENCIES: 'The update builds on changes the server does not have yet; send those first.',
  AWARENESS_TOO_LARGE: 'The awareness state exceeds the maximum size.',
  AWARENESS_NOT_OWNED: 'A connection may only change the awareness states it introduced.',
  LOAD_FAILED: 'The document could not be loaded from storage.',
  STORE_FAILED: 'The update could not be stored; it will be retried.',
  AUTH_FAILED: 'Authentication failed.',
  TOKEN_EXPIRED: 'The token has expired.',
  PERMISSION_DENIED: 'You do not have access to this document.',
  ORIGIN_NOT_ALLOWED: 'Pages from this origin may not use this server.',
  ACCESS_CHANGED: 'Your access to this document changed; reconnecting with the new access.',
  READ_ONLY: 'This connection is read-only; updates are refused.',
  RATE_LIMITED: 'Too many messages; slow down.',
  TOO_MANY_DOCUMENTS: 'Too many documents open on this connection.',
  POLICY_VIOLATION: 'Too many refused messages; the connection is closed.',
  CLIENT_ID_TAKEN: 'The update writes under a Yjs client id that belongs to another session; write under a new client id.',
  STATE_VECTOR_TOO_LARGE: 'The state vector has more entries than any document on this server.',
  SLOW_CONSUMER: 'The connection did not read what the server sent; it is closed.',
  TOO_MANY_CONNECTIONS: 'The server has too many connections; try again later.',
  SERVER_BUSY: 'The server cannot load more documents now; try again later.',
  DOCUMENT_CLOSED: 'The document was closed on the server (deleted or shutting down); reconnect to continue.',
  SHUTTING_DOWN: 'The server is shutting down.',
  DOCUMENT_NOT_FOUND: 'No such document is stored.',
  VERSION_NOT_FOUND: 'No such version of this document.',
  VERSIONS_UNAVAILABLE: 'This server keeps no version history.',
  RESTORE_IN_PROGRESS: 'A restore of this document is already running; try again when it is done.',
  VERSION_LIMIT: 'This document has as many versions as it may keep; delete some first.',
  INTERNAL: 'Internal server error.',
};

export interface ErrorInfo {
  code: ErrorCode;
  message: string;
  /** With TOO_MANY_DOCUMENTS: the server's documents-per-connection limit, so a client can open another connection. */
  limit?: number;
  /** CLIENT_ID_TAKEN: the Yjs client ids the refused update wrote under that belong to another session. */
  clientIds?: number[];
}

export function errorInfo(code: ErrorCode, message: string = safeMessages[code]): ErrorInfo {
  return { code, message };
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ErrorCodes, value);
}

/** An error that carries a stable code across the wire. */
export class QuireError extends Error {
  readonly code: ErrorCode;
  readonly clientIds: number[] | undefined;
  constructor(code: ErrorCode, message: string = safeMessages[code], details: { clientIds?: number[] } = {}) {
    super(message);
    this.name = 'QuireError';
    this.code = code;
    this.clientIds = details.clientIds;
  }
  toInfo(): ErrorInfo {
    return this.clientIds === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, clientIds: this.clientIds };
  }
}

/** A CLIENT_ID_TAKEN refusal naming the ids. */
export function clientIdTaken(clientIds: number[]): QuireError {
  return new QuireError(ErrorCodes.CLIENT_ID_TAKEN, safeMessages.CLIENT_ID_TAKEN, { clientIds });
}
