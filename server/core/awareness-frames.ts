/**
 * Reads and filters y-protocols awareness updates without applying them:
 *
 *   update = varUint(count) · count × ( varUint(clientId) · varUint(clock) · varString(stateJSON) )
 *
 * Parsing ourselves lets the server drop entries a connection does not own before they touch
 * the shared Awareness, and reject malformed JSON instead of throwing inside y-protocols.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import type { Awareness } from 'y-protocols/awareness';

export interface AwarenessEntry {
  clientId: number;
  clock: number;
  /** The state as JSON text; "null" removes the client. */
  stateJson: string;
}

/** Throws on malformed bytes or state JSON. */
export function decodeAwarenessEntries(update: Uint8Array, maxEntries: number): AwarenessEntry[] {
  const decoder = decoding.createDecoder(update);
  const count = decoding.readVarUint(decoder);
  if (count > maxEntries) throw new Error(`awareness update has ${count} entries`);
  const entries: AwarenessEntry[] = [];
  for (let i = 0; i < count; i++) {
    const clientId = decoding.readVarUint(decoder);
    const clock = decoding.readVarUint(decoder);
    const stateJson = decoding.readVarString(decoder);
    JSON.parse(stateJson);
    entries.push({ clientId, clock, stateJson });
  }
  if (decoding.hasContent(decoder)) throw new Error('trailing bytes after awareness update');
  return entries;
}

export function encodeAwarenessEntries(entries: readonly AwarenessEntry[]): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, entries.length);
  for (const entry of entries) {
    encoding.writeVarUint(encoder, entry.clientId);
    encoding.writeVarUint(encoder, entry.clock);
    encoding.writeVarString(encoder, entry.stateJson);
  }
  return encoding.toUint8Array(encoder);
}

/**
 * Each listed client's entry (id, clock, state as the Awareness holds it) encoded once, so the
 * payloads of one broadcast (everything, and everything but a sender's own) are concatenations.
 * A client whose state was removed is encoded with state null, as y-protocols does.
 */
export function encodeAwarenessSegments(awareness: Awareness, clientIds: Iterable<number>): Map<number, Uint8Array> {
  const segments = new Map<number, Uint8Array>();
  for (const clientId of clientIds) {
    const meta = awareness.meta.get(clientId);
    if (meta === undefined || segments.has(clientId)) continue;
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, clientId);
    encoding.writeVarUint(encoder, meta.clock);
    encoding.writeVarString(encoder, JSON.stringify(awareness.getStates().get(clientId) ?? null));
    segments.set(clientId, encoding.toUint8Array(encoder));
  }
  return segments;
}

/** An awareness update of the listed clients' segments (each once); null when none has one. */
export function joinAwarenessSegments(segments: ReadonlyMap<number, Uint8Array>, clientIds: Iterable<number>): Uint8Array | null {
  const parts = [...new Set(clientIds)].flatMap((id) => segments.get(id) ?? []);
  if (parts.length === 0) return null;
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, parts.length);
  for (const part of parts) encoding.writeUint8Array(encoder, part);
  return encoding.toUint8Array(encoder);
}
