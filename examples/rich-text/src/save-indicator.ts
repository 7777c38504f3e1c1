/**
 * Tells the user whether their edits are safe: "saved" means the server acknowledged every local
 * change as durable; "pending" means some are still only in this tab (sending, or waiting for the
 * connection). Driven only by the provider's `pending`/`saved`/`synced`/`status` events, so it
 * reports what the server confirmed, not what the page hopes.
 *
 * `data-state` is loading | offline | pending | refused | saved | read-only; `data-pending` is the number of
 * unacknowledged updates.
 */
import type { QuireProvider, UpdateRefusal } from 'y-quire/client';

type SaveState = 'loading' | 'offline' | 'pending' | 'refused' | 'saved' | 'read-only';

/** Words for a refusal: the user must learn that the change is not saved, and what to do. */
function refusalText(refusal: UpdateRefusal): string {
  const megabytes = (refusal.bytes / 1_000_000).toFixed(1);
  if (refusal.code === 'UPDATE_TOO_LARGE') {
    return `Not saved: this change (${megabytes} MB) is too large for the server. Undo it to save your other edits.`;
  }
  return `Not saved: the server refused this change (${refusal.message}). It is kept in this tab.`;
}

/** `keptOnDevice`: unsent edits are in an offline store (they survive a reload), not only in memory. */
export function mountSaveIndicator(element: HTMLElement, provider: QuireProvider, keptOnDevice: boolean): () => void {
  const render = (): void => {
    const pending = provider.pendingCount;
    const connected = provider.status === 'connected';
    let state: SaveState;
    let text: string;
    /** For a phone's header: a word or two; the connection label says the rest. */
    let short: string;
    const refusal = provider.refused;
    if (pending > 0 && refusal !== null) {
      state = 'refused';
      text = refusalText(refusal);
      short = 'Not saved';
    } else if (pending > 0) {
      state = 'pending';
      // The count is of Yjs updates (about one per keystroke): it means nothing to a reader.
      text = connected
        ? 'Saving…'
        : keptOnDevice
          ? 'Saved on this device, will sync when back online'
          : 'Unsaved changes, kept until you are back online';
      short = connected ? 'Saving…' : keptOnDevice ? 'On this device' : 'Unsaved';
    } else if (provider.access === 'read') {
      // Nothing of ours to save: "All changes saved" would suggest we could make some.
      state = 'read-only';
      text = 'View only';
      short = text;
    } else if (!provider.synced && connected) {
      state = 'loading';
      text = 'Loading…';
      short = text;
    } else if (!provider.synced) {
      // Nothing unsent, no server: say what happens to edits made now, not that we are waiting.
      state = 'offline';
      text = keptOnDevice ? 'Edits are kept on this device' : 'Edits sync when back online';
      short = '';
    } else {
      state = 'saved';
      text = 'All changes saved';
      short = 'Saved';
    }
    element.dataset['state'] = state;
    element.dataset['pending'] = String(pending);
    element.textContent = text;
    element.dataset['short'] = short;
  };
  const events = ['pending', 'saved', 'synced', 'status', 'update-refused'] as const;
  for (const event of events) provider.on(event, render);
  render();
  return () => {
    for (const event of events) provider.off(event, render);
  };
}
