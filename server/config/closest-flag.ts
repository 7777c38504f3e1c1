/**
 * The known flag a mistyped one most likely meant ("--prot" → "--port"), so the one-line error
 * can say it; null when nothing is close enough to be a typo rather than another word.
 */
export function closestFlag(unknown: string, known: readonly string[]): string | null {
  const limit = unknown.length <= 4 ? 1 : 2;
  let best: { flag: string; distance: number } | null = null;
  for (const flag of known) {
    const distance = editDistance(unknown, flag);
    if (distance <= limit && (best === null || distance < best.distance)) best = { flag, distance };
  }
  return best?.flag ?? null;
}

/** Levenshtein distance with adjacent swaps counted as one edit (a common typo). */
function editDistance(a: string, b: string): number {
  const width = b.length + 1;
  const table = new Uint16Array((a.length + 1) * width);
  const at = (i: number, j: number): number => table[i * width + j] ?? 0;
  for (let i = 0; i <= a.length; i++) table[i * width] = i;
  for (let j = 0; j <= b.length; j++) table[j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, at(i - 2, j - 2) + 1);
      table[i * width + j] = value;
    }
  }
  return at(a.length, b.length);
}
