/**
 * How deep a client's JSON value nests, measured without recursion. Yjs and y-protocols encode
 * JSON-like content (map values, embeds, formats, presence states) recursively, so a value nested a
 * few thousand levels deep (a few kilobytes) overflows the stack wherever the server encodes it
 * again: in a broadcast, a joiner's sync, a compaction. Such values are refused on arrival.
 */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    // Binary values are flat: their bytes are not walked.
    if (typeof next.value !== 'object' || next.value === null || ArrayBuffer.isView(next.value)) continue;
    if (next.depth >= max) return true;
    for (const child of Object.values(next.value)) stack.push({ value: child, depth: next.depth + 1 });
  }
  return false;
}
