/**
 * Checks a client's Yjs update for the invariants Yjs assumes but never checks, before it touches
 * a document.
 *
 * Yjs trusts its input. An update that decodes fine but breaks an invariant can throw halfway
 * through integration and leave the Y.Doc's struct store inconsistent: every later update, every
 * sync and every encode of that document then throws, and the server can no longer serve or store
 * it. Found by the hostile-input suite with bit-flipped updates, e.g. an item of length 0 (two
 * structs at one clock) or an item whose origin is a later clock of its own client.
 *
 * What every update written by Yjs satisfies, and this requires:
 * - every struct (item, GC, skip) has a length of at least 1, and its clocks stay below 2^53;
 * - values (map and array entries, embeds, formats) nest at most MAX_VALUE_DEPTH levels deep;
 * - an item refers (origin, right origin, parent) to its own client's structs only at earlier
 *   clocks: what an item was inserted next to or into existed before it was created;
 * - each client's structs come in one block, and each client's delete ranges are sorted, do not
 *   overlap and are non-empty, within 2^53. Yjs re-encodes what it cannot apply yet in a format that
 *   assumes this order; unsorted ranges encode as garbage that breaks the document later, when the
 *   missing part arrives.
 */
import * as Y from 'yjs';
import { nestsDeeperThan } from './json-depth.js';

type Struct = ReturnType<typeof Y.decodeUpdate>['structs'][number];

const MAX_CLOCK = Number.MAX_SAFE_INTEGER;

function isId(value: unknown): value is Y.ID {
  return value instanceof Y.ID;
}

/** A reference to the same client must point before the struct itself. */
function refersBackward(ref: unknown, struct: Struct): boolean {
  if (!isId(ref) || ref.client !== struct.id.client) return true;
  return ref.clock < struct.id.clock;
}

function structProblem(struct: Struct): string | null {
  if (!Number.isSafeInteger(struct.length) || struct.length < 1)
    return `struct ${struct.id.client}:${struct.id.clock} has length ${struct.length}`;
  if (struct.id.clock + struct.length > MAX_CLOCK) return `struct ${struct.id.client}:${struct.id.clock} exceeds the clock range`;
  if (!(struct instanceof Y.Item)) return null;
  if (!refersBackward(struct.origin, struct)) return `item ${struct.id.client}:${struct.id.clock} has a forward origin`;
  if (!refersBackward(struct.rightOrigin, struct)) return `item ${struct.id.client}:${struct.id.clock} has a forward right origin`;
  if (!refersBackward(struct.parent, struct)) return `item ${struct.id.client}:${struct.id.clock} has a forward parent`;
  if (contentNestsTooDeep(struct.content))
    return `item ${struct.id.client}:${struct.id.clock} nests its value more than ${MAX_VALUE_DEPTH} deep`;
  return null;
}

/**
 * How deep a JSON-like value (map and array values, embeds, formats) may nest. Yjs decodes any
 * depth but encodes recursively: deeper values break every later encoding of the document.
 */
export const MAX_VALUE_DEPTH = 500;

function contentNestsTooDeep(content: Y.Item['content']): boolean {
  if (content instanceof Y.ContentAny || content instanceof Y.ContentJSON) return nestsDeeperThan(content.arr, MAX_VALUE_DEPTH);
  if (content instanceof Y.ContentEmbed) return nestsDeeperThan(content.embed, MAX_VALUE_DEPTH);
  if (content instanceof Y.ContentFormat) return nestsDeeperThan(content.value, MAX_VALUE_DEPTH);
  if (content instanceof Y.ContentDoc) return nestsDeeperThan(content.opts, MAX_VALUE_DEPTH);
  return false;
}

/** What an update reaches, per client: its structs' end clock and its delete ranges' end clock. */
export interface UpdateReach {
  /** Where each client's content ends (clock + length of its last struct, skips included). */
  ends: Map<number, number>;
  /** Where each client's content ends, skips (gaps) left out: what must be integrated. */
  structsEnd: Map<number, number>;
  deletesEnd: Map<number, number>;
}

export interface UpdateInspection {
  /** Why the update would be unsafe to apply, or null when it is fine. */
  problem: string | null;
  reach: UpdateReach;
  /** The decoded structs, for checks against the document (nesting-depth.ts). */
  structs: readonly Struct[];
}

/** Checks an update and measures its reach. Throws when it does not even decode. */
export function inspectUpdate(update: Uint8Array): UpdateInspection {
  const { structs, ds } = Y.decodeUpdate(update);
  const reach: UpdateReach = { ends: new Map(), structsEnd: new Map(), deletesEnd: new Map() };
  const failed = (problem: string): UpdateInspection => ({ problem, reach, structs });
  const finishedClients = new Set<number>();
  let previous: Struct | null = null;
  for (const struct of structs) {
    const problem = structProblem(struct);
    if (problem !== null) return failed(problem);
    if (previous !== null && previous.id.client !== struct.id.client) {
      finishedClients.add(previous.id.client);
      if (finishedClients.has(struct.id.client)) return failed(`client ${struct.id.client} appears twice`);
    }
    previous = struct;
    const end = struct.id.clock + struct.length;
    if (end > (reach.ends.get(struct.id.client) ?? 0)) reach.ends.set(struct.id.client, end);
    // Skips are gaps, not content: what lies beyond them is what the update needs integrated.
    if (!(struct instanceof Y.Skip)) reach.structsEnd.set(struct.id.client, struct.id.clock + struct.length);
  }
  for (const [client, ranges] of ds.clients) {
    let end = 0;
    for (const { clock, len } of ranges) {
      if (!Number.isSafeInteger(len) || len < 1 || clock < end || clock + len > MAX_CLOCK)
        return failed(`delete range ${client}:${clock}+${len} is invalid`);
      end = clock + len;
    }
    if (end > 0) reach.deletesEnd.set(client, end);
  }
  return { problem: null, reach, structs };
}

/**
 * Why the update would be unsafe to apply, or null when it is fine. Throws when it does not even
 * decode. `ends`, when given, receives each client's end clock (clock + length of its last struct).
 */
export function updateProblem(update: Uint8Array, ends?: Map<number, number>): string | null {
  const { problem, reach } = inspectUpdate(update);
  if (ends !== undefined) for (const [client, end] of reach.ends) ends.set(client, end);
  return problem;
}

/**
 * Whether everything the update carries is integrated in `doc` (after applying it): Yjs holds back
 * structs and deletions that build on what the document lacks, and a reader cannot see them.
 */
export function fullyIntegrated(doc: Y.Doc, reach: UpdateReach): boolean {
  for (const [client, end] of reach.structsEnd) if (Y.getState(doc.store, client) < end) return false;
  for (const [client, end] of reach.deletesEnd) if (Y.getState(doc.store, client) < end) return false;
  return true;
}
