/**
 * The quire example editor: picks the document from the URL, opens it, and reopens another when
 * the URL's document changes (the "New document" button, a pasted link, back/forward).
 *
 * The editor itself (Tiptap, ProseMirror, Yjs, Socket.io) is loaded after the page's frame has
 * painted: the header and the status appear at once, the editor a moment later.
 */
import './styles.css';
import { chooseDocument, randomDocName, urlForDocument } from './doc-choice.js';
import { cleanName, loadIdentity, saveIdentity, type UserIdentity } from './identity.js';
import { registerOfflineShell } from './offline-shell.js';
import type { ErrorInfo } from 'y-quire/client';
import { guidanceForRefusal, renderGuidance } from './refusal-guidance.js';
import type { DocumentSession, SessionElements } from './session.js';
import { currentToken, takeTokenFromUrl } from './token.js';

function byTestId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.querySelector<T>(`[data-testid="${id}"]`);
  if (element === null) throw new Error(`index.html lacks [data-testid="${id}"]`);
  return element;
}

const elements: SessionElements = {
  editor: byTestId('editor'),
  toolbar: byTestId('toolbar'),
  status: byTestId('status'),
  saved: byTestId('saved'),
  presence: byTestId('presence'),
  presenceCount: byTestId('presence-count'),
  history: {
    list: byTestId('versions'),
    form: byTestId<HTMLFormElement>('save-version-form'),
    nameInput: byTestId<HTMLInputElement>('version-name'),
    message: byTestId('history-message'),
    preview: byTestId('preview'),
    previewTitle: byTestId('preview-title'),
    previewEditor: byTestId('preview-editor'),
    restoreButton: byTestId<HTMLButtonElement>('restore-version'),
    closeButton: byTestId<HTMLButtonElement>('close-preview'),
  },
};
const docNameElement = byTestId('doc-name');
const problemElement = byTestId('doc-problem');
const problemTitle = byTestId('problem-title');
const problemBody = byTestId('problem-body');
const nameInput = byTestId<HTMLInputElement>('user-name');
const newDocButton = byTestId<HTMLButtonElement>('new-doc');

// The sync endpoint is the server that served this page (or Vite's dev proxy in front of it).
const serverUrl = window.location.origin;
let user: UserIdentity = loadIdentity(new URL(window.location.href));
let session: DocumentSession | null = null;

function showProblem(title: string, paragraphs: string[]): void {
  renderGuidance(problemTitle, problemBody, { title, paragraphs });
  problemElement.hidden = false;
  document.body.dataset['state'] = 'problem';
}

function showRefusal(error: ErrorInfo, docName: string): void {
  const { title, paragraphs } = guidanceForRefusal(error, docName, currentToken() !== undefined);
  showProblem(title, paragraphs);
  document.body.dataset['refusal'] = error.code;
}

/** Loads the editor's code once; later documents reuse it. */
let sessionModule: Promise<typeof import('./session.js')> | null = null;
/** Counts openings, so a slow first load does not open a document the address has left. */
let opening = 0;

async function openFromUrl(): Promise<void> {
  const address = new URL(window.location.href);
  const url = takeTokenFromUrl(address);
  if (url !== address) history.replaceState(null, '', url);
  const choice = chooseDocument(url);
  if (!choice.ok) {
    session?.destroy();
    session = null;
    showProblem('This address does not name a usable document', [
      choice.problem,
      'Open `/` for a new document, or `/#name` for the document called name.',
    ]);
    return;
  }
  problemElement.hidden = true;
  delete document.body.dataset['state'];
  delete document.body.dataset['refusal'];
  const canonical = urlForDocument(url, choice.name);
  // Put a generated name in the address bar so the link can be shared (an empty `?doc=` too);
  // no history entry.
  if (!url.searchParams.get('doc') && url.href !== canonical.href) {
    history.replaceState(null, '', canonical);
  }
  if (session?.docName === choice.name) return;
  session?.destroy();
  session = null;
  docNameElement.textContent = choice.name;
  docNameElement.title = choice.name;
  document.title = `${choice.name} · quire`;
  const ticket = ++opening;
  sessionModule ??= import('./session.js');
  const { openDocumentSession } = await sessionModule;
  if (ticket !== opening) return;
  session = openDocumentSession({
    serverUrl,
    docName: choice.name,
    user,
    elements,
    onRefused: (error) => showRefusal(error, choice.name),
  });
  exposeForDebugging(session);
}

/** `window.quire` lets a developer (and the browser tests) inspect the live session. */
function exposeForDebugging(current: DocumentSession): void {
  (window as unknown as { quire: DocumentSession }).quire = current;
}

newDocButton.addEventListener('click', () => {
  const next = urlForDocument(new URL(window.location.href), randomDocName());
  history.pushState(null, '', next);
  void openFromUrl().then(() => session?.editor.commands.focus());
});

nameInput.value = user.name;
nameInput.addEventListener('change', () => {
  const name = cleanName(nameInput.value);
  if (!name) {
    nameInput.value = user.name;
    return;
  }
  user = { ...user, name };
  nameInput.value = name;
  saveIdentity(user);
  session?.setUser(user);
});

// Without an offline store (no IndexedDB), unsent edits live only in this tab: ask before a
// reload or close would drop them.
window.addEventListener('beforeunload', (event) => {
  if (session?.unsavedWouldBeLost() === true) event.preventDefault();
});

registerOfflineShell();
window.addEventListener('hashchange', () => void openFromUrl());
window.addEventListener('popstate', () => void openFromUrl());
void openFromUrl();
