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
  let hidden = false;
  const clear = (): void => {
    const state = awareness.getLocalState();
    if (state === null) return;
    kept = state;
    // Not our own provider's origin, so the awareness sync sends the removal like any change.
    awarenessProtocol.removeAwarenessStates(awareness, [awareness.clientID], origin);
  };
  const restore = (): void => {
    if (kept === null) return;
    awareness.setLocalState(kept);
    kept = null;
  };
  const onPageHide = (): void => {
    hidden = true;
    clear();
  };
  const onBeforeUnload = (): void => {
    clear();
    // The app may ask "leave this page?" and the person may stay: a page still running a task
    // later without having been hidden is staying, so it shows up again.
    setTimeout(() => {
      if (!hidden) restore();
    }, 0);
  };
  const onPageShow = (event: Event): void => {
    hidden = false;
    if ((event as PageTransitionEvent).persisted) restore();
  };
  page.addEventListener('pagehide', onPageHide);
  page.addEventListener('beforeunload', onBeforeUnload);
  page.addEventListener('pageshow', onPageShow);
  return () => {
    page.removeEventListener('pagehide', onPageHide);
    page.removeEventListener('beforeunload', onBeforeUnload);
    page.removeEventListener('pageshow', onPageShow);
  };
}
