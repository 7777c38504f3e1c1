/**
 * Wire protocol version. A client sends it in the Socket.io `auth` payload of every document
 * namespace it opens; the server refuses a different major version with PROTOCOL_MISMATCH.
 */
export const PROTOCOL_VERSION = 1;
