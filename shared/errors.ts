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
  SHUTTING_DOWN: 'SHUTTING_DOWN',
  INTERNAL: 'INTERNAL',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

const safeMessages: Record<ErrorCode, string> = {
  PROTOCOL_MISMATCH: 'Client and server speak different quire protocol versions.',
  BAD_DOC_NAME: 'Document names must be 1 to 255 bytes of UTF-8 in Unicode NFC, without control or invisible characters.',
  BAD_PAYLOAD: 'The message payload has the wrong type or shape.',
  MALFORMED_UPDATE: 'The update could not be decoded.',
  UPDATE_TOO_LARGE: 'The update exceeds the maximum update size.',
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
  SHUTTING_DOWN: 'The server is shutting down.',
  INTERNAL: 'Internal server error.',
};

export interface ErrorInfo {
  code: ErrorCode;
  message: string;
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
  constructor(code: ErrorCode, message: string = safeMessages[code]) {
    super(message);
    this.name = 'QuireError';
    this.code = code;
  }
  toInfo(): ErrorInfo {
    return { code: this.code, message: this.message };
  }
}
