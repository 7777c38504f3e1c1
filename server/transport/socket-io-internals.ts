/**
 * The Socket.io internals quire relies on, checked when a server is created.
 *
 * quire reaches past Socket.io's public API in three places, each for a reason that matters:
 * - namespace-cleanup.ts replaces a document namespace's `_remove` and reads its
 *   `_preConnectSockets`, the parent's `children` and the server's `_nsps`: without it, a client
 *   admitted while a namespace empties lands in an orphaned namespace and silently diverges;
 * - single-frame-adapter.ts uses the adapter's `apply` and `encoder` and engine.io's
 *   `wsPreEncodedFrame` packet option: fan-out, the hottest path, frames each broadcast once;
 * - create-server.ts and the CLI read `_nsps` to find a document's namespace.
 *
 * The versions are pinned exactly in package.json, and a test compares the installed ones to the
 * pins. This check is the second line: an application that hands quire its own Socket.io server,
 * or an install that resolved other versions, fails here at startup with the reason, instead of
 * running with the divergence the cleanup prevents.
 */
import { createRequire } from 'node:module';
import type { Namespace } from 'socket.io';
import type { QuireIo } from './types.js';

/** The versions quire is tested with (package.json pins exactly these). */
export const TESTED_VERSIONS = { 'socket.io': '4.8.4', 'engine.io': '6.6.12', 'socket.io-adapter': '2.5.8' } as const;

export class SocketIoInternalsError extends Error {
  constructor(problems: readonly string[]) {
    const tested = Object.entries(TESTED_VERSIONS)
      .map(([name, version]) => `${name} ${version}`)
      .join(', ');
    super(
      `quire cannot run on this Socket.io: ${problems.join('; ')}. quire relies on Socket.io internals ` +
        `(see server/transport/socket-io-internals.ts) and is tested with ${tested}; install those versions.`,
    );
    this.name = 'SocketIoInternalsError';
  }
}

const isFunction = (value: unknown): boolean => typeof value === 'function';

/** What is missing on the Socket.io server and the document parent namespace; [] when all is there. */
export function namespaceInternalsProblems(io: QuireIo, documents: Namespace): string[] {
  const problems: string[] = [];
  const server = io as unknown as { _nsps?: unknown; _opts?: unknown };
  if (!(server._nsps instanceof Map)) problems.push('Server#_nsps is not a Map');
  if (typeof server._opts !== 'object' || server._opts === null) problems.push('Server#_opts is missing');
  const parent = documents as unknown as { children?: unknown; _remove?: unknown; _preConnectSockets?: unknown };
  if (!(parent.children instanceof Set)) problems.push('ParentNamespace#children is not a Set');
  // Child namespaces are plain Namespaces; the parent shares their prototype chain.
  if (!isFunction(parent._remove)) problems.push('Namespace#_remove is not a function');
  if (!(parent._preConnectSockets instanceof Map)) problems.push('Namespace#_preConnectSockets is not a Map');
  return problems;
}

/** What single-frame broadcasting needs from the adapter and from engine.io's WebSocket transport. */
export function broadcastInternalsProblems(adapter: unknown, webSocketTransport: unknown): string[] {
  const problems: string[] = [];
  const internals = adapter as { apply?: unknown; encoder?: { encode?: unknown } };
  if (!isFunction(internals.apply)) problems.push('Adapter#apply is not a function');
  if (!isFunction(internals.encoder?.encode)) problems.push('Adapter#encoder.encode is not a function');
  const prototype = (webSocketTransport as { prototype?: Record<string, unknown> } | undefined)?.prototype;
  // engine.io's WebSocket transport sends a packet's `wsPreEncodedFrame` as is only when it has this.
  if (!isFunction(prototype?._canSendPreEncodedFrame))
    problems.push("engine.io's WebSocket transport does not take pre-encoded frames (wsPreEncodedFrame)");
  return problems;
}

/** engine.io's WebSocket transport class, as the installed socket.io loads it. */
export function engineWebSocketTransport(): unknown {
  const fromSocketIo = createRequire(createRequire(import.meta.url).resolve('socket.io'));
  const engine = fromSocketIo('engine.io') as { transports?: { websocket?: unknown } };
  return engine.transports?.websocket;
}

/**
 * Throws a SocketIoInternalsError naming what is missing. `ownsAdapter`: the server's adapter is
 * quire's SingleFrameAdapter (quire created the Socket.io server), so its needs are checked too.
 */
export function assertSocketIoInternals(io: QuireIo, documents: Namespace, ownsAdapter: boolean): void {
  const problems = namespaceInternalsProblems(io, documents);
  if (ownsAdapter) problems.push(...broadcastInternalsProblems(documents.adapter, engineWebSocketTransport()));
  if (problems.length > 0) throw new SocketIoInternalsError(problems);
}
