import { createServer, type QuireServer } from '../../server/index.js';
import type { QuireServerOptions } from '../../server/options.js';

export interface RunningServer {
  server: QuireServer;
  url: string;
  close(): Promise<void>;
}

/** A real quire server on an ephemeral port. */
export async function startServer(options: QuireServerOptions = {}): Promise<RunningServer> {
  const server = createServer({ unloadGraceMs: 50, ...options });
  const { url } = await server.listen(0, '127.0.0.1');
  return { server, url, close: () => server.close() };
}
