/**
 * The history panel: the document's versions (time, name, authors; the current state first),
 * saving a named version, a read-only preview of any version with its differences from now,
 * and restoring it after a confirmation that names who else is editing. A restore is a forward
 * change: edits others make meanwhile, and offline edits that arrive later, are kept.
 *
 * Every string here that comes from the server or other people (names, authors) is set as text.
 */
import type { QuireProvider, VersionInfo } from 'y-quire/client';
import type * as Y from 'yjs';
import { createVersionPreview } from './version-preview.js';

export interface HistoryElements {
  /** The list of versions. */
  list: HTMLElement;
  /** The "save version" form with its name input. */
  form: HTMLFormElement;
  nameInput: HTMLInputElement;
  /** A line for the panel's messages (saved, restored, failures). */
  message: HTMLElement;
  /** The preview pane (hidden when not previewing), its title, its editor and its buttons. */
  preview: HTMLElement;
  previewTitle: HTMLElement;
  previewEditor: HTMLElement;
  restoreButton: HTMLButtonElement;
  closeButton: HTMLButtonElement;
  /** The live editor, hidden while previewing. */
  liveEditor: HTMLElement;
}

const KIND_LABELS: Record<VersionInfo['kind'], string> = {
  auto: 'Automatic',
  named: 'Saved version',
  backup: 'Before a restore',
  restore: 'Restored',
};

export function mountHistoryPanel(elements: HistoryElements, provider: QuireProvider, ydoc: Y.Doc): () => void {
  const preview = createVersionPreview(elements.previewEditor);
  let versions: VersionInfo[] = [];
  let previewing: VersionInfo | null = null;
  let destroyed = false;

  const say = (text: string, tone: 'info' | 'error' = 'info') => {
    elements.message.textContent = text;
    elements.message.dataset['tone'] = tone;
  };

  const title = (version: VersionInfo) =>
    version.name ??
    (version.kind === 'restore' && version.restoreOf !== null ? `Restored version ${version.restoreOf}` : KIND_LABELS[version.kind]);

  const render = () => {
    const current = document.createElement('li');
    current.className = 'version version-current';
    current.dataset['testid'] = 'version-current';
    current.textContent = 'Current state';
    const rows = [...versions].reverse().map((version) => {
      const item = document.createElement('li');
      item.className = 'version';
      item.dataset['testid'] = 'version';
      item.dataset['id'] = String(version.id);
      item.dataset['kind'] = version.kind;
      if (previewing?.id === version.id) item.dataset['selected'] = 'true';
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'version-open';
      const name = document.createElement('span');
      name.className = 'version-name';
      name.textContent = title(version);
      const when = document.createElement('time');
      when.className = 'version-time';
      when.dateTime = new Date(version.createdAt).toISOString();
      when.textContent = new Date(version.createdAt).toLocaleString();
      const who = document.createElement('span');
      who.className = 'version-authors';
      who.textContent = version.authors.length > 0 ? version.authors.join(', ') : '—';
      button.append(name, when, who);
      button.addEventListener('click', () => void openPreview(version));
      item.append(button);
      return item;
    });
    elements.list.replaceChildren(current, ...rows);
  };

  const refresh = async () => {
    try {
      versions = await provider.versions.list();
      if (!destroyed) render();
    } catch (error) {
      if (!destroyed) say(`History is unavailable: ${(error as Error).message}`, 'error');
    }
  };

  const openPreview = async (version: VersionInfo) => {
    try {
      const state = await provider.versions.get(version.id);
      if (destroyed) return;
      previewing = version;
      elements.previewTitle.textContent = `${title(version)} · ${new Date(version.createdAt).toLocaleString()}`;
      preview.show(state, ydoc);
      elements.preview.hidden = false;
      elements.liveEditor.hidden = true;
      elements.restoreButton.disabled = provider.access === 'read';
      render();
    } catch (error) {
      say(`Could not open that version: ${(error as Error).message}`, 'error');
    }
  };

  const closePreview = () => {
    previewing = null;
    elements.preview.hidden = true;
    elements.liveEditor.hidden = false;
    render();
  };

  /** Names of the other people present now, from awareness (this tab excluded). */
  const othersEditing = (): string[] => {
    const names = new Set<string>();
    for (const [clientId, state] of provider.awareness.getStates()) {
      if (clientId === provider.awareness.clientID) continue;
      const name = (state['user'] as { name?: unknown } | undefined)?.name;
      names.add(typeof name === 'string' && name.length > 0 ? name : 'Someone');
    }
    return [...names];
  };

  const restore = async () => {
    const version = previewing;
    if (version === null) return;
    const others = othersEditing();
    const who =
      others.length === 0
        ? 'Nobody else is editing right now.'
        : `${others.join(', ')} ${others.length === 1 ? 'is' : 'are'} editing right now: their changes from now on are kept, but what anyone changed since this version is undone.`;
    if (
      !window.confirm(
        `Restore “${title(version)}”?\n\n${who}\n\nThe current state is saved first, so the restore can be undone from the history.`,
      )
    )
      return;
    elements.restoreButton.disabled = true;
    try {
      await provider.versions.restore(version.id);
      closePreview();
      say(`Restored “${title(version)}”.`);
    } catch (error) {
      say(`The restore failed: ${(error as Error).message}`, 'error');
    } finally {
      elements.restoreButton.disabled = false;
    }
  };

  const save = async (event: SubmitEvent) => {
    event.preventDefault();
    const name = elements.nameInput.value.trim();
    try {
      const version = await provider.versions.create({ name: name.length > 0 ? name : null });
      elements.nameInput.value = '';
      say(`Saved “${title(version)}”.`);
    } catch (error) {
      say(`Could not save a version: ${(error as Error).message}`, 'error');
    }
  };

  const onCreated = () => void refresh();
  const onRestored = ({ restore: done }: { restore: VersionInfo }) => {
    const named = done.authors.filter((author) => author !== 'anonymous');
    say(named.length > 0 ? `${named.join(', ')} restored version ${done.restoreOf}.` : `Version ${done.restoreOf} was restored.`);
    void refresh();
  };
  const onSynced = (synced: boolean) => {
    if (synced) void refresh();
  };
  elements.form.addEventListener('submit', save);
  elements.restoreButton.addEventListener('click', restore);
  elements.closeButton.addEventListener('click', closePreview);
  provider.versions.on('created', onCreated);
  provider.versions.on('restored', onRestored);
  provider.on('synced', onSynced);
  if (provider.synced) void refresh();
  render();

  return () => {
    destroyed = true;
    elements.form.removeEventListener('submit', save);
    elements.restoreButton.removeEventListener('click', restore);
    elements.closeButton.removeEventListener('click', closePreview);
    provider.versions.off('created', onCreated);
    provider.versions.off('restored', onRestored);
    provider.off('synced', onSynced);
    closePreview();
    preview.destroy();
  };
}
