import type { Namespace, Server, Socket } from 'socket.io';
import type { ClientToServerEvents, InterServerEvents, ServerToClientEvents, SocketData } from '../../shared/events.js';

export type QuireIo = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type QuireNamespace = Namespace<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type QuireSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
