/**
 * Tells the user whether their edits are safe: "saved" means the server acknowledged every local
 * change as durable; "pending" means some are still only in this tab (sending, or waiting for the
 * connection). Driven only by the provider's `pending`/`saved`/`synced`/`status` events, so it
 * reports what the server confirmed, not what the page hopes.
 *
 * `data-state` is loading | pending | saved; `data-pending` is the number of unacknowledged updates.
 */
import type { QuireProvider } from 'quire/client';

type SaveState = 'loading' | 'pending' | 'saved';

export function mountSaveIndicator(element: HTMLElement, provider: QuireProvider): () => void {
  const render = (): void => {
    const pending = provider.pendingCount;
    const connected = provider.status === 'connected';
    let state: SaveState;
    let text: string;
    if (pending > 0) {
      state = 'pending';
      // The count is of Yjs updates (about one per keystroke): it means nothing to a reader.
      text = connected ? 'Saving…' : 'Unsaved changes, kept until you are back online';
    } else if (!provider.synced) {
      state = 'loading';
      text = connected ? 'Loading…' : 'Waiting for the server…';
    } else {
      state = 'saved';
      text = 'All changes saved';
    }
    element.dataset['state'] = state;
    element.dataset['pending'] = String(pending);
    element.textContent = text;
  };
  const events = ['pending', 'saved', 'synced', 'status'] as const;
  for (const event of events) provider.on(event, render);
  render();
  return () => {
    for (const event of events) provider.off(event, render);
  };
}
