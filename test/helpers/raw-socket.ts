/**
 * Raw Socket.io clients that speak the wire protocol by hand, for tests that must send what the
 * provider never would (hostile or malformed messages).
 */
import { io as connectSocket, type Socket } from 'socket.io-client';
import * as Y from 'yjs';
import type { Ack } from '../../shared/ack.js';
import { docNamespace } from '../../shared/doc-name.js';
import type { ErrorInfo } from '../../shared/errors.js';
import type { SyncStep1Reply } from '../../shared/events.js';
import { decodeSyncFrame, encodeSyncFrame } from '../../shared/protocol/sync.js';
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

/** Untyped on purpose: hostile tests send anything. */
export type RawSocket = Socket;

export interface RawOptions {
  token?: string;
  session?: string;
  auth?: Record<string, unknown>;
  transports?: ('polling' | 'websocket')[];
}

/** A socket on its own connection (forceNew), without reconnection. Not yet connected. */
export function rawSocket(url: string, docName: string, options: RawOptions = {}): RawSocket {
  return connectSocket(url + docNamespace(docName), {
    forceNew: true,
    reconnection: false,
    transports: options.transports ?? ['websocket'],
    auth: options.auth ?? {
      protocol: PROTOCOL_VERSION,
      ...(options.token === undefined ? {} : { token: options.token }),
      ...(options.session === undefined ? {} : { session: options.session }),
    },
  });
}

/** Resolves once connected; rejects with the refusal (`error.data`) otherwise. */
export function whenConnected(socket: RawSocket): Promise<RawSocket> {
  return new Promise((resolve, reject) => {
    if (socket.connected) return resolve(socket);
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error: Error & { data?: ErrorInfo }) => reject(error));
  });
}

export async function connectRaw(url: string, docName: string, options: RawOptions = {}): Promise<RawSocket> {
  return whenConnected(rawSocket(url, docName, options));
}

/** The refusal a connection attempt gets; fails the test when it connects. */
export async function refusalOf(socket: RawSocket): Promise<ErrorInfo> {
  try {
    await whenConnected(socket);
  } catch (error) {
    socket.close();
    return (error as { data: ErrorInfo }).data;
  }
  socket.close();
  throw new Error('expected the connection to be refused');
}

/** Runs the sync handshake; returns the server's document as a fresh Y.Doc and the access. */
export async function syncRaw(socket: RawSocket): Promise<{ doc: Y.Doc; access: 'read' | 'write' }> {
  const doc = new Y.Doc();
  const reply = (await socket
    .timeout(10_000)
    .emitWithAck('sync-step-1', encodeSyncFrame('step1', Y.encodeStateVector(doc)))) as Ack<SyncStep1Reply>;
  if (!reply.ok) throw new Error(`sync refused: ${reply.code}`);
  Y.applyUpdate(doc, decodeSyncFrame(new Uint8Array(reply.step2)).payload);
  return { doc, access: reply.access };
}

/** An update frame that inserts `text` at the start of the 'text' root of a fresh document. */
export function textUpdateFrame(text: string, clientId?: number): Uint8Array {
  const doc = new Y.Doc();
  if (clientId !== undefined) doc.clientID = clientId;
  doc.getText('text').insert(0, text);
  return encodeSyncFrame('update', Y.encodeStateAsUpdate(doc));
}

/** Collects the notices a socket receives. */
export function collectNotices(socket: RawSocket): ErrorInfo[] {
  const notices: ErrorInfo[] = [];
  socket.on('notice', (info: ErrorInfo) => notices.push(info));
  return notices;
}
