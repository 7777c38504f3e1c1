/**
 * Adapters are loaded on demand: quire's depends on the server and client sources, and a peer
 * that fails to load must not stop the others from being measured.
 */
import type { PeerName } from '../lib/peers.js';
import type { Adapter } from './types.js';

const loaders: Record<PeerName, () => Promise<{ adapter: Adapter }>> = {
  quire: () => import('./quire.js'),
  'y-websocket': () => import('./y-websocket.js'),
  hocuspocus: () => import('./hocuspocus.js'),
  'y-socket.io': () => import('./y-socket-io.js'),
};

export async function loadAdapter(peer: PeerName): Promise<Adapter> {
  return (await loaders[peer]()).adapter;
}
