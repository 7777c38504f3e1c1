/**
 * Keeps the editor honest about what the server allows: read-only access (the server's
 * `authorize` hook) makes the editor non-editable instead of letting edits pile up that the
 * server will refuse; a refused connection (no permission, failed authentication) is reported
 * instead of retried in silence.
 */
import type { Editor } from '@tiptap/core';
import type { ErrorInfo, QuireProvider } from 'y-quire/client';

export function guardAccess(editor: Editor, provider: QuireProvider, onRefused: (error: ErrorInfo) => void): () => void {
  const onSynced = (synced: boolean): void => {
    if (!synced) return;
    const readOnly = provider.access === 'read';
    editor.setEditable(!readOnly);
    document.body.dataset['access'] = readOnly ? 'read' : 'write';
  };
  const onDenied = (error: ErrorInfo): void => onRefused(error);
  provider.on('synced', onSynced);
  provider.on('permission-denied', onDenied);
  provider.on('auth-failed', onDenied);
  return () => {
    provider.off('synced', onSynced);
    provider.off('permission-denied', onDenied);
    provider.off('auth-failed', onDenied);
    delete document.body.dataset['access'];
  };
}
