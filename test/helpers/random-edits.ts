import * as prng from 'lib0/prng';
import * as Y from 'yjs';
import { sortKeys } from './convergence.js';

/**
 * Seeded random edits over the roots an application uses: rich text as an editor binding writes
 * it (the `default` XmlFragment: paragraphs and headings holding XmlText with marks, attributes,
 * nested deletes), plain `text` with formatting, a `map` with nested values and an `array`.
 */
export const EDITED_ROOTS = ['default', 'text', 'map', 'array'] as const;

const MARKS = ['bold', 'italic', 'code'] as const;

export function randomEdit(gen: prng.PRNG, doc: Y.Doc, roots: readonly string[] = EDITED_ROOTS): void {
  const root = prng.oneOf(gen, [...roots]);
  if (root === 'default') richTextEdit(gen, doc.getXmlFragment('default'));
  else if (root === 'text') textEdit(gen, doc.getText('text'));
  else if (root === 'map') mapEdit(gen, doc.getMap('map'));
  else arrayEdit(gen, doc.getArray('array'));
}

export function randomEdits(gen: prng.PRNG, doc: Y.Doc, count: number, roots: readonly string[] = EDITED_ROOTS): void {
  for (let i = 0; i < count; i++) doc.transact(() => randomEdit(gen, doc, roots));
}

function richTextEdit(gen: prng.PRNG, fragment: Y.XmlFragment): void {
  const blocks = fragment.toArray().filter((n): n is Y.XmlElement => n instanceof Y.XmlElement);
  const roll = prng.int32(gen, 0, 9);
  if (blocks.length === 0 || roll === 0) {
    const block = new Y.XmlElement(prng.bool(gen) ? 'paragraph' : 'heading');
    if (block.nodeName === 'heading') block.setAttribute('level', String(prng.int32(gen, 1, 3)) as never);
    block.insert(0, [new Y.XmlText(prng.word(gen, 1, 8))]);
    fragment.insert(prng.int32(gen, 0, fragment.length), [block]);
    return;
  }
  const block = prng.oneOf(gen, blocks);
  const text = block.get(0);
  if (roll === 1 && fragment.length > 1) {
    // A nested delete: a whole block with its text and marks.
    fragment.delete(prng.int32(gen, 0, fragment.length - 1), 1);
  } else if (roll === 2) {
    block.setAttribute('align', prng.oneOf(gen, ['left', 'center', 'right']) as never);
  } else if (text instanceof Y.XmlText) {
    textEdit(gen, text);
  }
}

function textEdit(gen: prng.PRNG, text: Y.Text): void {
  const roll = prng.int32(gen, 0, 5);
  if (text.length === 0 || roll <= 2) {
    const attributes = prng.bool(gen) ? { [prng.oneOf(gen, [...MARKS])]: true } : undefined;
    text.insert(prng.int32(gen, 0, text.length), prng.word(gen, 1, 6), attributes);
  } else if (roll === 3) {
    const at = prng.int32(gen, 0, text.length - 1);
    text.delete(at, Math.min(prng.int32(gen, 1, 5), text.length - at));
  } else {
    const at = prng.int32(gen, 0, text.length - 1);
    const mark = prng.oneOf(gen, [...MARKS]);
    text.format(at, Math.min(prng.int32(gen, 1, 6), text.length - at), { [mark]: prng.bool(gen) ? true : null });
  }
}

function mapEdit(gen: prng.PRNG, map: Y.Map<unknown>): void {
  const key = `k${prng.int32(gen, 0, 7)}`;
  const roll = prng.int32(gen, 0, 4);
  if (roll === 0) map.delete(key);
  else if (roll === 1) {
    const nested = new Y.Map<unknown>();
    map.set(key, nested);
    nested.set('n', prng.int32(gen, 0, 99));
  } else map.set(key, { value: prng.int32(gen, 0, 999), label: prng.word(gen, 0, 4) });
}

function arrayEdit(gen: prng.PRNG, array: Y.Array<unknown>): void {
  if (array.length > 0 && prng.int32(gen, 0, 2) === 0) {
    const at = prng.int32(gen, 0, array.length - 1);
    array.delete(at, Math.min(prng.int32(gen, 1, 3), array.length - at));
  } else {
    array.insert(prng.int32(gen, 0, array.length), [prng.int32(gen, 0, 999), prng.word(gen, 0, 3)]);
  }
}

/** One root's content, comparable across replicas (rich text with marks and attributes). */
export function rootContent(doc: Y.Doc, root: string): string {
  if (root === 'default') return doc.getXmlFragment('default').toString();
  if (root === 'text') return JSON.stringify(doc.getText('text').toDelta());
  if (root === 'map') return JSON.stringify(sortKeys(doc.getMap('map').toJSON()));
  return JSON.stringify(doc.getArray('array').toJSON());
}

/** Every edited root's content. */
export function allContent(doc: Y.Doc, roots: readonly string[] = EDITED_ROOTS): Record<string, string> {
  return Object.fromEntries(roots.map((root) => [root, rootContent(doc, root)]));
}

export function docOf(update: Uint8Array): Y.Doc {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, update);
  return doc;
}
