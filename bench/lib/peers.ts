/** The servers under comparison, in the order the table prints them (quire first, ratios against the rest). */
export const PEERS = ['quire', 'y-websocket', 'hocuspocus', 'y-socket.io'] as const;
export type PeerName = (typeof PEERS)[number];

export function isPeerName(value: string): value is PeerName {
  return (PEERS as readonly string[]).includes(value);
}

/** File stem shared by `bench/servers/<stem>.ts` and `bench/adapters/<stem>.ts`. */
export function peerFileStem(peer: PeerName): string {
  return peer === 'y-socket.io' ? 'y-socket-io' : peer;
}
