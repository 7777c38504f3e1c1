import { io as connectSocket, type Socket } from 'socket.io-client';
import { PROTOCOL_VERSION } from '../../shared/protocol/version.js';

/** A bare Socket.io client on a document namespace: sends whatever a test (or an attacker) wants. */
export async function rawDocumentSocket(url: string, docName: string): Promise<Socket> {
  const socket = connectSocket(`${url}/doc/${encodeURIComponent(docName)}`, {
    auth: { protocol: PROTOCOL_VERSION },
    forceNew: true,
    transports: ['websocket'],
    reconnection: false,
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}

/** Emits with an ack and resolves with the server's answer. */
export function emitWithAck(socket: Socket, event: string, ...args: unknown[]): Promise<{ ok: boolean; code?: string }> {
  return socket.timeout(5_000).emitWithAck(event, ...args) as Promise<{ ok: boolean; code?: string }>;
}
