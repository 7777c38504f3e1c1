/**
 * Shows whether the page is talking to the server. `data-status` carries the provider's status
 * verbatim (connecting | connected | disconnected) for styling and tests; the text is for people.
 */
import type { ConnectionStatus, QuireProvider } from 'y-quire/client';

const LABELS: Record<ConnectionStatus, string> = {
  connecting: 'Connecting…',
  connected: 'Online',
  disconnected: 'Offline',
};

export function mountConnectionIndicator(element: HTMLElement, provider: QuireProvider): () => void {
  const show = (status: ConnectionStatus): void => {
    element.dataset['status'] = status;
    element.textContent = LABELS[status];
    element.title =
      status === 'disconnected'
        ? 'Not connected. Keep editing: your changes are kept and sent when the connection returns.'
        : LABELS[status];
  };
  const onStatus = ({ status }: { status: ConnectionStatus }): void => show(status);
  provider.on('status', onStatus);
  show(provider.status);
  return () => provider.off('status', onStatus);
}
