/**
 * Tells the others at once when the page goes away (closed, reloaded, navigated, frozen in the
 * back/forward cache), instead of leaving a ghost cursor until the server notices the dead
 * connection. Like y-websocket, this clears the local awareness state on `pagehide` and
 * `beforeunload`; unlike it, a page restored from the back/forward cache (`pageshow` with
 * `persisted`) gets its state back. Does nothing outside browsers.
 */
import type { Awareness } from 'y-protocols/awareness';
import * as awarenessProtocol from 'y-protocols/awareness';

type PageEvents = Pick<Window, 'addEventListener' | 'removeEventListener'>;

/** Starts watching; returns the function that stops. */
export function clearAwarenessOnPageLeave(awareness: Awareness, origin: unknown): () => void {
  const page = (globalThis as { window?: PageEvents }).window;
  if (page === undefined || typeof page.addEventListener !== 'function') return () => {};
  let kept: Record<string, unknown> | null = null;
  const leave = (): void => {
    const state = awareness.getLocalState();
    if (state === null) return;
    kept = state;
    // Not our own provider's origin, so the awareness sync sends the removal like any change.
    awarenessProtocol.removeAwarenessStates(awareness, [awareness.clientID], origin);
  };
  const back = (event: Event): void => {
    if (!(event as PageTransitionEvent).persisted || kept === null) return;
    awareness.setLocalState(kept);
    kept = null;
  };
  page.addEventListener('pagehide', leave);
  page.addEventListener('beforeunload', leave);
  page.addEventListener('pageshow', back);
  return () => {
    page.removeEventListener('pagehide', leave);
    page.removeEventListener('beforeunload', leave);
    page.removeEventListener('pageshow', back);
  };
}
