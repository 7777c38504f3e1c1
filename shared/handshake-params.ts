/**
 * `params`: extra string fields a client sends with each document's handshake (y-websocket's
 * `params`, Hocuspocus' `parameters`), for the server's authenticate/authorize hooks. They travel
 * in Socket.io's `auth` as `auth.params`. Bounded, because hooks may log or store them.
 */
export type HandshakeParams = Record<string, string>;

export const MAX_PARAMS = 32;
export const MAX_PARAM_KEY_LENGTH = 128;
export const MAX_PARAM_VALUE_LENGTH = 4096;

/** The well-formed entries of what a client sent as `params`; anything else is dropped. */
export function readHandshakeParams(value: unknown): HandshakeParams {
  const params: HandshakeParams = {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return params;
  let count = 0;
  for (const [key, entry] of Object.entries(value)) {
    if (count >= MAX_PARAMS) break;
    if (key.length === 0 || key.length > MAX_PARAM_KEY_LENGTH) continue;
    if (typeof entry !== 'string' || entry.length > MAX_PARAM_VALUE_LENGTH) continue;
    // Own data property on a null-prototype-free object: "__proto__" cannot reach the prototype.
    Object.defineProperty(params, key, { value: entry, enumerable: true, writable: true, configurable: true });
    count++;
  }
  return params;
}
