/**
 * A read-only preview of a version: a separate scratch editor whose Y.Doc is never synced,
 * rendered with y-prosemirror's two-state rendering from two V2 updates — the version and the
 * document now. It shows the document as it is now, with what was added since the version
 * highlighted and what was deleted since struck through: restoring the version removes the
 * highlighted text and brings back the struck-through text (edits made elsewhere are kept).
 */
import { Editor, Extension } from '@tiptap/core';
import StarterKit from '@tiptap/starter-kit';
import { ySyncPlugin, ySyncPluginKey } from '@tiptap/y-tiptap';
import * as Y from 'yjs';
import { CONTENT_FIELD } from '../editor.js';
import { YChangeAttribute, YChangeMark } from './ychange.js';

// The binding asks "who made this change" of a PermanentUserData. quire records authors on the
// server instead (client-written user data is unverified and large), so the preview answers
// nobody and colours by change type.
const noUserData = {
  dss: new Map(),
  getUserByClientId: () => null,
  getUserByDeletedId: () => null,
};

export interface VersionPreview {
  /** Renders `version` (a V1 update, as the server sends it) against `current`. */
  show(version: Uint8Array, current: Y.Doc): void;
  destroy(): void;
}

export function createVersionPreview(element: HTMLElement): VersionPreview {
  const scratch = new Y.Doc();
  const fragment = scratch.getXmlFragment(CONTENT_FIELD);
  const sync = Extension.create({
    name: 'versionPreviewSync',
    addProseMirrorPlugins() {
      return [ySyncPlugin(fragment, { permanentUserData: noUserData as unknown as Y.PermanentUserData })];
    },
  });
  const editor = new Editor({
    element,
    editable: false,
    extensions: [StarterKit.configure({ undoRedo: false }), YChangeMark, YChangeAttribute, sync],
    editorProps: { attributes: { class: 'prose', 'aria-label': 'Version preview', 'aria-readonly': 'true' } },
  });
  return {
    show(version, current) {
      const meta = {
        // Both as V2 updates: the binding builds a gc-free history document from them.
        prevSnapshot: Y.convertUpdateFormatV1ToV2(version),
        snapshot: Y.encodeStateAsUpdateV2(current),
      };
      editor.view.dispatch(editor.state.tr.setMeta(ySyncPluginKey, meta));
    },
    destroy() {
      editor.destroy();
      scratch.destroy();
    },
  };
}
