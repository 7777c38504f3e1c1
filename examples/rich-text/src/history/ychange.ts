/**
 * The schema additions y-prosemirror's two-state rendering needs: a `ychange` mark on text and a
 * `ychange` attribute on every block node. Without them the binding cannot express "added" and
 * "removed" and drops that content while converting. They are only used by the preview editor.
 */
import { Extension, Mark } from '@tiptap/core';

interface YChange {
  type?: 'added' | 'removed';
}

const changeType = (value: unknown): string | null => {
  const type = (value as YChange | null)?.type;
  return type === 'added' || type === 'removed' ? type : null;
};

export const YChangeMark = Mark.create({
  name: 'ychange',
  inclusive: false,
  excludes: '',
  addAttributes() {
    return {
      user: { default: null, rendered: false },
      type: { default: null, rendered: false },
      color: { default: null, rendered: false },
    };
  },
  parseHTML() {
    return [{ tag: 'ychange' }];
  },
  renderHTML({ mark }) {
    const type = changeType(mark.attrs);
    return ['ychange', { class: `ychange ychange-${type ?? 'none'}`, 'data-ychange': type ?? '' }, 0];
  },
});

const BLOCK_TYPES = ['paragraph', 'heading', 'blockquote', 'codeBlock', 'bulletList', 'orderedList', 'listItem', 'horizontalRule'];

export const YChangeAttribute = Extension.create({
  name: 'ychangeAttribute',
  addGlobalAttributes() {
    return [
      {
        types: BLOCK_TYPES,
        attributes: {
          ychange: {
            default: null,
            parseHTML: () => null,
            renderHTML: (attributes) => {
              const type = changeType(attributes['ychange']);
              return type === null ? {} : { 'data-ychange': type, class: `ychange-block ychange-${type}` };
            },
          },
        },
      },
    ];
  },
});
