/**
 * How deep an update would nest shared types (a map in a map in a map …) in a document.
 *
 * Security: Yjs deletes and garbage-collects a nested type recursively. A chain of a few thousand
 * nested maps (a quarter of a megabyte) integrates fine, but deleting its outermost key then
 * overflows the stack inside Yjs' transaction cleanup, which leaves the Y.Doc mid-transaction for
 * good: every later update is applied in memory and acknowledged, but never stored nor relayed.
 * So types may nest only so deep; editors nest a few dozen levels at most.
 */
import * as Y from 'yjs';

type Struct = ReturnType<typeof Y.decodeUpdate>['structs'][number];

/** Nesting deeper than this is refused: a small fraction of what overflows Node's default stack. */
export const MAX_NESTING_DEPTH = 512;

/** Content reference number of a nested type (ContentType) in the Yjs update format. */
const CONTENT_TYPE = 7;

/**
 * Whether any type the update creates would sit deeper than `limit` levels below a root of `doc`.
 * An item's parent is encoded only when it has no neighbours; otherwise it is its neighbour's.
 */
export function nestsTooDeep(doc: Y.Doc, structs: readonly Struct[], limit = MAX_NESTING_DEPTH): boolean {
  const own = new Map<number, Y.Item[]>();
  for (const struct of structs) {
    if (!(struct instanceof Y.Item)) continue;
    const list = own.get(struct.id.client) ?? [];
    list.push(struct);
    own.set(struct.id.client, list);
  }
  // Decoded in clock order per client: found by binary search.
  const inUpdate = (id: Y.ID): Y.Item | null => {
    const items = own.get(id.client) ?? [];
    let low = 0;
    let high = items.length - 1;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      const item = items[mid]!;
      if (id.clock < item.id.clock) high = mid - 1;
      else if (id.clock >= item.id.clock + item.length) low = mid + 1;
      else return item;
    }
    return null;
  };
  /** Depth of the types holding an item (0 for a root's items); Infinity past `budget` steps. */
  const memo = new Map<Y.Item, number>();
  const docMemo = new Map<unknown, number>();
  const containerDepth = (item: Y.Item, budget: number): number => {
    const known = memo.get(item);
    if (known !== undefined) return known;
    if (budget <= 0) return Number.POSITIVE_INFINITY;
    let depth: number;
    const parent = item.parent as unknown;
    if (typeof parent === 'string') depth = 0;
    else if (parent instanceof Y.ID) depth = typeDepth(parent, budget - 1);
    else {
      const neighbour = item.origin ?? item.rightOrigin;
      const sibling = neighbour === null ? null : inUpdate(neighbour);
      depth =
        sibling !== null
          ? containerDepth(sibling, budget - 1)
          : neighbour === null
            ? 0
            : docContainerDepth(doc, neighbour, budget, docMemo);
    }
    memo.set(item, depth);
    return depth;
  };
  /** Depth of the type an item (by id) creates. */
  const typeDepth = (id: Y.ID, budget: number): number => {
    const item = inUpdate(id);
    return item !== null ? containerDepth(item, budget) + 1 : docContainerDepth(doc, id, budget, docMemo) + 1;
  };
  for (const struct of structs) {
    if (!(struct instanceof Y.Item) || struct.content.getRef() !== CONTENT_TYPE) continue;
    if (containerDepth(struct, limit + 1) + 1 > limit) return true;
  }
  return false;
}

/** Depth of the types holding the document's item `id`; 0 when the document lacks it. */
function docContainerDepth(doc: Y.Doc, id: Y.ID, budget: number, memo: Map<unknown, number>): number {
  const structs = doc.store.clients.get(id.client);
  if (structs === undefined || id.clock >= Y.getState(doc.store, id.client)) return 0;
  const struct = structs[Y.findIndexSS(structs, id.clock)];
  if (!(struct instanceof Y.Item)) return 0;
  // Walks up to a root or to a type measured before (an update's items share few containers).
  const chain: unknown[] = [];
  let depth = 0;
  for (
    let type = struct.parent as Y.AbstractType<unknown> | null;
    type?._item != null;
    type = type._item.parent as Y.AbstractType<unknown>
  ) {
    const known = memo.get(type);
    if (known !== undefined) {
      depth = known;
      break;
    }
    chain.push(type);
    if (chain.length > budget) return Number.POSITIVE_INFINITY;
  }
  for (let i = chain.length - 1; i >= 0; i--) memo.set(chain[i], ++depth);
  return depth;
}
