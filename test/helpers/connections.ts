import type { QuireServer } from '../../server/index.js';

/** How many document sockets each engine.io connection of the server holds right now. */
export function documentsPerConnection(server: QuireServer): number[] {
  const counts = new Map<object, number>();
  for (const [name, namespace] of server.io._nsps) {
    if (!name.startsWith('/doc/')) continue;
    for (const socket of namespace.sockets.values()) counts.set(socket.client, (counts.get(socket.client) ?? 0) + 1);
  }
  return [...counts.values()];
}
