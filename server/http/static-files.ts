/**
 * Serves a built front-end (the example editor) from a directory. Only GET/HEAD of files below
 * the root; unknown paths without an extension fall back to index.html (client-side routing).
 *
 * Security and robustness:
 * - Dotfiles and dot-directories (`.env`, `.git/…`) are never served, nor replaced by index.html.
 * - The file is opened once and described from its open handle (no gap between checking and
 *   opening: a file removed meanwhile is simply not found), and streamed with `pipeline`, so a read
 *   error ends the response instead of becoming an uncaught exception, and a client that goes
 *   away closes the file descriptor.
 * - Responses carry `X-Content-Type-Options: nosniff`: a browser must not guess a script out of a
 *   file served as something else.
 */
import createDebug from 'debug';
import { type FileHandle, open } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream';

const debug = createDebug('quire:server:static');

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

interface OpenFile {
  path: string;
  handle: FileHandle;
  size: number;
}

/** Opens `path` when it is a regular file; for a directory, its index.html. Null otherwise. */
async function openFile(path: string): Promise<OpenFile | null> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch {
    return null;
  }
  try {
    const info = await handle.stat();
    if (info.isFile()) return { path, handle, size: info.size };
    await handle.close();
    return info.isDirectory() ? openFile(join(path, 'index.html')) : null;
  } catch {
    await handle.close().catch(() => {});
    return null;
  }
}

export function staticFiles(rootDir: string): RequestHandler {
  const root = resolve(rootDir);
  return async (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    let pathname: string;
    try {
      pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    } catch {
      return false;
    }
    if (pathname.includes('\0')) return false;
    if (pathname.split(/[\\/]/).some((segment) => segment.startsWith('.'))) return false;
    const requested = normalize(join(root, pathname));
    if (requested !== root && !requested.startsWith(root + sep)) return false;
    let file = await openFile(requested);
    if (file === null && extname(pathname) === '') file = await openFile(join(root, 'index.html'));
    if (file === null) return false;
    const { path, handle, size } = file;
    res.writeHead(200, {
      'content-type': contentTypes[extname(path)] ?? 'application/octet-stream',
      'content-length': size,
      'x-content-type-options': 'nosniff',
      // Hashed asset names can be cached for good; the page itself must be revalidated.
      'cache-control': path.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    if (req.method === 'HEAD' || size === 0) {
      await handle.close();
      res.end();
      return true;
    }
    // The stream owns the handle from here: it closes it when done, failed or destroyed.
    pipeline(handle.createReadStream({ end: Math.max(size - 1, 0), autoClose: true }), res, (error) => {
      if (error !== undefined && error !== null) debug('serving %s ended early: %s', path, error.message);
    });
    return true;
  };
}
