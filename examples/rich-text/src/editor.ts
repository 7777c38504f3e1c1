/**
 * The Tiptap editor bound to a Y.Doc: the document lives in the Y.XmlFragment `default`, undo is
 * Yjs' own (it only undoes this user's changes, never a collaborator's), and remote carets and
 * selections are drawn from awareness with each user's name and color.
 */
import { Editor } from '@tiptap/core';
import StarterKit from '@tiptap/starter-kit';
import Collaboration from '@tiptap/extension-collaboration';
import CollaborationCaret from '@tiptap/extension-collaboration-caret';
import type { Awareness } from 'y-protocols/awareness';
import type * as Y from 'yjs';
import type { UserIdentity } from './identity.js';

/**
 * The Y.Doc field holding the rich text; other quire clients of this document must agree on it.
 * 'default' is Tiptap's own default and the root a version restore brings back by default.
 */
export const CONTENT_FIELD = 'default';

export interface EditorOptions {
  element: HTMLElement;
  ydoc: Y.Doc;
  /** Anything with an `awareness`; QuireProvider in the app. */
  provider: { awareness: Awareness };
  user: UserIdentity;
}

export function createEditor({ element, ydoc, provider, user }: EditorOptions): Editor {
  return new Editor({
    element,
    extensions: [
      // Collaboration brings Yjs-aware undo; ProseMirror's own history would fight it.
      StarterKit.configure({ undoRedo: false }),
      Collaboration.configure({ document: ydoc, field: CONTENT_FIELD }),
      CollaborationCaret.configure({ provider, user, render: renderCaret }),
    ],
    editorProps: {
      attributes: {
        class: 'prose',
        'aria-label': 'Document text',
        spellcheck: 'true',
      },
    },
  });
}

/** A thin colored bar with the user's name above it; built with text nodes, never HTML. */
function renderCaret(user: Record<string, unknown>): HTMLElement {
  const color = typeof user['color'] === 'string' ? user['color'] : 'transparent';
  const name = typeof user['name'] === 'string' ? user['name'] : 'Someone';
  const caret = document.createElement('span');
  caret.className = 'collaboration-carets__caret';
  caret.style.borderColor = color;
  caret.dataset['user'] = name;
  const label = document.createElement('div');
  label.className = 'collaboration-carets__label';
  label.style.backgroundColor = color;
  label.textContent = name;
  caret.append(label);
  return caret;
}
