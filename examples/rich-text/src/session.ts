/**
 * Everything that exists for one open document: the Y.Doc, its QuireProvider, the editor and
 * the widgets listening to them. Switching documents destroys one session and opens another,
 * so no listener, socket namespace or awareness state outlives the document it belongs to.
 */
import type { Editor } from '@tiptap/core';
import { QuireProvider } from 'quire/client';
import * as Y from 'yjs';
import { guardAccess } from './access-guard.js';
import { type HistoryElements, mountHistoryPanel } from './history/history-panel.js';
import { mountConnectionIndicator } from './connection-indicator.js';
import { createEditor } from './editor.js';
import type { UserIdentity } from './identity.js';
import { keepsEditsOnThisDevice, offlineOptions } from './offline-store.js';
import { mountPresenceList } from './presence-list.js';
import { mountSaveIndicator } from './save-indicator.js';
import { mountToolbar } from './toolbar.js';

export interface SessionElements {
  editor: HTMLElement;
  toolbar: HTMLElement;
  status: HTMLElement;
  saved: HTMLElement;
  presence: HTMLElement;
  presenceCount: HTMLElement;
  history: Omit<HistoryElements, 'liveEditor'>;
}

export interface DocumentSession {
  readonly docName: string;
  readonly ydoc: Y.Doc;
  readonly provider: QuireProvider;
  readonly editor: Editor;
  setUser(user: UserIdentity): void;
  destroy(): void;
}

export interface SessionOptions {
  serverUrl: string;
  docName: string;
  user: UserIdentity;
  elements: SessionElements;
  /** The server refused this document to us; `message` is safe to show. */
  onRefused(message: string): void;
}

export function openDocumentSession({ serverUrl, docName, user, elements, onRefused }: SessionOptions): DocumentSession {
  const ydoc = new Y.Doc();
  const provider = new QuireProvider(serverUrl, docName, ydoc, offlineOptions());
  const editor = createEditor({ element: elements.editor, ydoc, provider, user });
  const unmount = [
    mountToolbar(elements.toolbar, editor),
    mountConnectionIndicator(elements.status, provider),
    mountSaveIndicator(elements.saved, provider, keepsEditsOnThisDevice()),
    mountPresenceList(elements.presence, elements.presenceCount, provider.awareness),
    guardAccess(editor, provider, onRefused),
    mountHistoryPanel({ ...elements.history, liveEditor: elements.editor }, provider, ydoc),
  ];
  return {
    docName,
    ydoc,
    provider,
    editor,
    setUser: (next) => {
      editor.commands.updateUser({ ...next });
    },
    destroy: () => {
      for (const stop of unmount) stop();
      editor.destroy();
      // The provider announces our departure (awareness removal) before closing its namespace.
      provider.destroy();
      ydoc.destroy();
    },
  };
}
