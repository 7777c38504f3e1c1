/**
 * Shows whether the page is talking to the server. `data-status` carries the provider's status
 * verbatim (connecting | connected | disconnected) for tests; `data-display` is what a person is
 * told: "Online", "Connecting…" only while a first connection is being made, and "Offline" once
 * a connection was lost or a first one has taken long — the provider's status flickers between
 * connecting and disconnected during an outage, which is simply being offline to a reader.
 */
import type { ConnectionStatus, QuireProvider } from 'y-quire/client';

type Display = 'online' | 'connecting' | 'offline';

const LABELS: Record<Display, string> = { online: 'Online', connecting: 'Connecting…', offline: 'Offline' };
const TITLES: Record<Display, string> = {
  online: 'Connected to the server: edits are shared as you type.',
  connecting: 'Connecting to the server…',
  offline: 'Not connected; retrying. Keep editing: your changes are kept and sent when the connection returns.',
};

/** How long a first connection may take before the page says "Offline". */
const FIRST_CONNECT_PATIENCE_MS = 3_000;

export function mountConnectionIndicator(element: HTMLElement, provider: QuireProvider): () => void {
  let lostOnce = false;
  let patienceOver = false;
  const show = (): void => {
    const status: ConnectionStatus = provider.status;
    if (status === 'disconnected') lostOnce = true;
    const display: Display = status === 'connected' ? 'online' : lostOnce || patienceOver ? 'offline' : 'connecting';
    element.dataset['status'] = status;
    element.dataset['display'] = display;
    element.textContent = LABELS[display];
    element.title = TITLES[display];
  };
  const patience = setTimeout(() => {
    patienceOver = true;
    show();
  }, FIRST_CONNECT_PATIENCE_MS);
  provider.on('status', show);
  show();
  return () => {
    clearTimeout(patience);
    provider.off('status', show);
  };
}
