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
import { nestsDeeperThan } from './json-depth.js';

export interface AwarenessEntry {
  clientId: number;
  clock: number;
  /** The state as JSON text; "null" removes the client. */
  stateJson: string;
}

/**
 * How deep a presence state may nest. The server compares states and encodes them again for every
 * receiver, both recursively: a state a few thousand levels deep (a few kilobytes) overflows the
 * stack outside any handler. Cursors and user details need a handful of levels.
 */
export const MAX_PRESENCE_DEPTH = 32;

/** Throws on malformed bytes or state JSON, and on states nested deeper than MAX_PRESENCE_DEPTH. */
export function decodeAwarenessEntries(update: Uint8Array, maxEntries: number): AwarenessEntry[] {
  const decoder = decoding.createDecoder(update);
  const count = decoding.readVarUint(decoder);
  if (count > maxEntries) throw new Error(`awareness update has ${count} entries`);
  const entries: AwarenessEntry[] = [];
  for (let i = 0; i < count; i++) {
    const clientId = decoding.readVarUint(decoder);
    const clock = decoding.readVarUint(decoder);
    const stateJson = decoding.readVarString(decoder);
    if (nestsDeeperThan(JSON.parse(stateJson), MAX_PRESENCE_DEPTH))
      throw new Error(`awareness state nests deeper than ${MAX_PRESENCE_DEPTH}`);
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
