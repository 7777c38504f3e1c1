/**
 * A plain-text quire document in CodeMirror 6: the text lives in the Y.Text `codemirror`,
 * y-codemirror.next binds it (with remote carets from awareness and Yjs undo). The document is
 * chosen like the rich-text example's: `?doc=` or `#name`.
 */
import { basicSetup, EditorView } from 'codemirror';
import { QuireProvider } from 'y-quire/client';
import { yCollab } from 'y-codemirror.next';
import * as Y from 'yjs';
import './styles.css';

const COLORS = ['#e5484d', '#0090ff', '#30a46c', '#f76b15', '#8e4ec6', '#12a594'];

function element(id: string): HTMLElement {
  const found = document.querySelector<HTMLElement>(`[data-testid="${id}"]`);
  if (found === null) throw new Error(`index.html lacks [data-testid="${id}"]`);
  return found;
}

const url = new URL(window.location.href);
const docName = url.searchParams.get('doc') || decodeURIComponent(url.hash.slice(1)) || 'scratch';
const color = COLORS[Math.floor(Math.random() * COLORS.length)]!;
const name = url.searchParams.get('name') || `Guest ${Math.floor(Math.random() * 900 + 100)}`;

const ydoc = new Y.Doc();
const provider = new QuireProvider(window.location.origin, docName, ydoc);
const ytext = ydoc.getText('codemirror');
// y-codemirror.next reads `name`, `color` and `colorLight` (the selection tint) from `user`.
provider.awareness.setLocalStateField('user', { name, color, colorLight: `${color}33` });

const view = new EditorView({
  doc: ytext.toString(),
  extensions: [basicSetup, EditorView.lineWrapping, yCollab(ytext, provider.awareness, { undoManager: new Y.UndoManager(ytext) })],
  parent: element('editor'),
});

element('doc-name').textContent = docName;
const status = element('status');
const saved = element('saved');
const showStatus = (): void => {
  status.dataset['status'] = provider.status;
  status.textContent = provider.status;
};
const showSaved = (): void => {
  const pending = provider.pendingCount;
  saved.textContent = pending > 0 ? `${pending} pending` : provider.synced ? 'saved' : '';
};
provider.on('status', showStatus);
provider.on('synced', showSaved);
provider.on('pending', showSaved);
provider.on('saved', showSaved);
showStatus();
showSaved();

(window as unknown as { quire: unknown }).quire = { ydoc, provider, view };
