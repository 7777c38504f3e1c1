/**
 * The automerge-paper editing trace: gzip JSON `{ startContent, endContent, txns: [{ patches:
 * [[pos, deleteCount, insertText]] }] }`. Looked up in the shared traces folder beside the repo,
 * then in bench/fixtures/, or wherever BENCH_TRACE points.
 */
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import * as Y from 'yjs';

export type Edit = readonly [pos: number, deleteCount: number, insert: string];

export interface Trace {
  edits: Edit[];
  startContent: string;
  /** The text after all `edits` (the recorded end content when the whole trace is used). */
  endContent: string;
  /** Characters inserted by the first k edits, for k = 0..edits.length: maps a Yjs clock to an edit count. */
  insertedBefore: number[];
}

const FILE = 'automerge-paper.json.gz';

function locate(): string {
  const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
  const candidates = [process.env.BENCH_TRACE, `${repoRoot}../shared/traces/${FILE}`, `${repoRoot}bench/fixtures/${FILE}`].filter(
    (path): path is string => path !== undefined && path !== '',
  );
  const found = candidates.find((path) => existsSync(path));
  if (found === undefined) throw new Error(`trace ${FILE} not found; looked in:\n  ${candidates.join('\n  ')}`);
  return found;
}

interface RawTrace {
  startContent: string;
  endContent: string;
  txns: { patches: [number, number, string][] }[];
}

/** Applies edits the way the bench writer types them, one transaction each. */
export function applyEdit(text: Y.Text, [pos, deleteCount, insert]: Edit): void {
  if (deleteCount > 0) text.delete(pos, deleteCount);
  if (insert.length > 0) text.insert(pos, insert);
}

export function loadTrace(limit?: number): Trace {
  const raw = JSON.parse(gunzipSync(readFileSync(locate())).toString('utf8')) as RawTrace;
  const all: Edit[] = raw.txns.flatMap((txn) => txn.patches.map(([p, d, i]) => [p, d, i] as const));
  const edits = limit === undefined || limit >= all.length ? all : all.slice(0, limit);
  let endContent = raw.endContent;
  if (edits.length < all.length) {
    // A shortened trace ends somewhere else: replay it once locally to know where.
    const doc = new Y.Doc();
    const text = doc.getText('t');
    text.insert(0, raw.startContent);
    for (const edit of edits) applyEdit(text, edit);
    endContent = text.toString();
    doc.destroy();
  }
  const insertedBefore = [0];
  for (const [, , insert] of edits) insertedBefore.push(insertedBefore[insertedBefore.length - 1]! + insert.length);
  return { edits, startContent: raw.startContent, endContent, insertedBefore };
}
