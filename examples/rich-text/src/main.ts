/**
 * The quire example editor: picks the document from the URL, opens it, and reopens another when
 * the URL's document changes (the "New document" button, a pasted link, back/forward).
 */
import './styles.css';
import { chooseDocument, randomDocName, urlForDocument } from './doc-choice.js';
import { cleanName, loadIdentity, saveIdentity, type UserIdentity } from './identity.js';
import { keepsEditsOnThisDevice } from './offline-store.js';
import { registerOfflineShell } from './offline-shell.js';
import { openDocumentSession, type DocumentSession, type SessionElements } from './session.js';

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
const nameInput = byTestId<HTMLInputElement>('user-name');
const newDocButton = byTestId<HTMLButtonElement>('new-doc');

// The sync endpoint is the server that served this page (or Vite's dev proxy in front of it).
const serverUrl = window.location.origin;
let user: UserIdentity = loadIdentity(new URL(window.location.href));
let session: DocumentSession | null = null;

function showProblem(message: string): void {
  problemElement.textContent = message;
  problemElement.hidden = false;
  document.body.dataset['state'] = 'problem';
}

function openFromUrl(): void {
  const url = new URL(window.location.href);
  const choice = chooseDocument(url);
  if (!choice.ok) {
    session?.destroy();
    session = null;
    showProblem(`This address does not name a usable document: ${choice.problem}`);
    return;
  }
  problemElement.hidden = true;
  delete document.body.dataset['state'];
  const canonical = urlForDocument(url, choice.name);
  // Put a generated name in the address bar so the link can be shared; no history entry.
  if (url.searchParams.get('doc') === null && url.hash !== canonical.hash) {
    history.replaceState(null, '', canonical);
  }
  if (session?.docName === choice.name) return;
  session?.destroy();
  session = openDocumentSession({
    serverUrl,
    docName: choice.name,
    user,
    elements,
    onRefused: (message) => showProblem(`The server refused this document: ${message}`),
  });
  docNameElement.textContent = choice.name;
  document.title = `${choice.name} · quire`;
  exposeForDebugging(session);
}

/** `window.quire` lets a developer (and the browser tests) inspect the live session. */
function exposeForDebugging(current: DocumentSession): void {
  (window as unknown as { quire: DocumentSession }).quire = current;
}

newDocButton.addEventListener('click', () => {
  const next = urlForDocument(new URL(window.location.href), randomDocName());
  history.pushState(null, '', next);
  openFromUrl();
  session?.editor.commands.focus();
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
  if (!keepsEditsOnThisDevice() && (session?.provider.pendingCount ?? 0) > 0) event.preventDefault();
});

registerOfflineShell();
window.addEventListener('hashchange', openFromUrl);
window.addEventListener('popstate', openFromUrl);
openFromUrl();
