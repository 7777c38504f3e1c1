import type { IncomingMessage } from 'node:http';
import { AdminError } from './documents.js';

/**
 * Reads a request body of at most `limit` bytes. A larger one is refused as soon as it is known
 * (Content-Length, or the running total), without buffering the rest.
 */
export async function readBody(req: IncomingMessage, limit: number): Promise<Uint8Array> {
  const tooLarge = () => new AdminError(413, 'UPDATE_TOO_LARGE', `The body exceeds the maximum update size of ${limit} bytes.`);
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge();
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    total += chunk.byteLength;
    if (total > limit) throw tooLarge();
    chunks.push(chunk);
  }
  return new Uint8Array(Buffer.concat(chunks, total));
}
