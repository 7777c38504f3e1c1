/**
 * A provider session's random secret: 128 bits as hex from one `getRandomValues` call.
 * (lib0's uuidv4 calls it once per character: 2,000 providers spent a third of a second there.)
 * `crypto.randomUUID` would do, but browsers offer it only in secure contexts.
 */
export function randomSessionId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let id = '';
  for (const byte of bytes) id += byte.toString(16).padStart(2, '0');
  return id;
}
