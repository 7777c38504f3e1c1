/** Turns a provider's "synced" flag plus change event into a promise for the next synced state. */
export function nextSynced(isSynced: () => boolean, subscribe: (listener: (synced: boolean) => void) => () => void): Promise<void> {
  if (isSynced()) return Promise.resolve();
  return new Promise((resolve) => {
    const unsubscribe = subscribe((synced) => {
      if (!synced) return;
      unsubscribe();
      resolve();
    });
  });
}
