/**
 * Formatting buttons. Each one knows how to apply itself and whether it is active at the
 * selection, so the pressed state follows the caret (including after a collaborator's edit).
 */
import type { Editor } from '@tiptap/core';

interface ToolbarButton {
  id: string;
  label: string;
  title: string;
  run(editor: Editor): void;
  isActive?(editor: Editor): boolean;
  isEnabled?(editor: Editor): boolean;
}

const GROUPS: ToolbarButton[][] = [
  [
    {
      id: 'bold',
      label: 'B',
      title: 'Bold (Ctrl+B)',
      run: (e) => e.chain().focus().toggleBold().run(),
      isActive: (e) => e.isActive('bold'),
    },
    {
      id: 'italic',
      label: 'I',
      title: 'Italic (Ctrl+I)',
      run: (e) => e.chain().focus().toggleItalic().run(),
      isActive: (e) => e.isActive('italic'),
    },
    {
      id: 'strike',
      label: 'S',
      title: 'Strikethrough (Ctrl+Shift+S)',
      run: (e) => e.chain().focus().toggleStrike().run(),
      isActive: (e) => e.isActive('strike'),
    },
    {
      id: 'code',
      label: '</>',
      title: 'Inline code (Ctrl+E)',
      run: (e) => e.chain().focus().toggleCode().run(),
      isActive: (e) => e.isActive('code'),
    },
  ],
  [
    {
      id: 'h1',
      label: 'H1',
      title: 'Heading 1',
      run: (e) => e.chain().focus().toggleHeading({ level: 1 }).run(),
      isActive: (e) => e.isActive('heading', { level: 1 }),
    },
    {
      id: 'h2',
      label: 'H2',
      title: 'Heading 2',
      run: (e) => e.chain().focus().toggleHeading({ level: 2 }).run(),
      isActive: (e) => e.isActive('heading', { level: 2 }),
    },
    {
      id: 'bullets',
      label: '•',
      title: 'Bulleted list',
      run: (e) => e.chain().focus().toggleBulletList().run(),
      isActive: (e) => e.isActive('bulletList'),
    },
    {
      id: 'numbers',
      label: '1.',
      title: 'Numbered list',
      run: (e) => e.chain().focus().toggleOrderedList().run(),
      isActive: (e) => e.isActive('orderedList'),
    },
    {
      id: 'quote',
      label: '❝',
      title: 'Quote',
      run: (e) => e.chain().focus().toggleBlockquote().run(),
      isActive: (e) => e.isActive('blockquote'),
    },
  ],
  [
    {
      id: 'undo',
      label: '↶',
      title: 'Undo your last change (Ctrl+Z)',
      run: (e) => e.chain().focus().undo().run(),
      isEnabled: (e) => e.can().undo(),
    },
    { id: 'redo', label: '↷', title: 'Redo (Ctrl+Shift+Z)', run: (e) => e.chain().focus().redo().run(), isEnabled: (e) => e.can().redo() },
  ],
];

export function mountToolbar(container: HTMLElement, editor: Editor): () => void {
  const buttons = new Map<ToolbarButton, HTMLButtonElement>();
  container.replaceChildren(
    ...GROUPS.map((group) => {
      const groupElement = document.createElement('div');
      groupElement.className = 'toolbar-group';
      for (const spec of group) {
        const button = document.createElement('button');
        button.type = 'button';
        button.className = `tool tool-${spec.id}`;
        button.textContent = spec.label;
        button.title = spec.title;
        button.setAttribute('aria-label', spec.title);
        button.dataset['testid'] = `tool-${spec.id}`;
        // mousedown would move focus out of the editor and collapse the selection first.
        button.addEventListener('mousedown', (event) => event.preventDefault());
        button.addEventListener('click', () => spec.run(editor));
        buttons.set(spec, button);
        groupElement.append(button);
      }
      return groupElement;
    }),
  );

  const refresh = (): void => {
    for (const [spec, button] of buttons) {
      if (spec.isActive) button.setAttribute('aria-pressed', String(spec.isActive(editor)));
      if (spec.isEnabled) button.disabled = !spec.isEnabled(editor);
    }
  };
  editor.on('transaction', refresh);
  refresh();
  return () => {
    editor.off('transaction', refresh);
    container.replaceChildren();
  };
}
