/**
 * JSON-like content (map and array values, embeds, formats, the legacy JSON content) is decoded by
 * Yjs without trouble at any depth a message allows, but encoded again recursively: a value nested
 * ten thousand levels deep, 20 kB on the wire, integrates and then breaks every encoding of the
 * document (the update event, a joiner's sync, the store's compaction). Held back, it breaks the
 * apply itself. Either way it must be refused before it touches the document.
 */
import * as encoding from 'lib0/encoding';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { encodeSyncFrame } from '../../shared/protocol/sync.js';
import { connectRaw, emitWithAck, type RawSocket, syncRaw, textUpdateFrame } from '../helpers/raw-socket.js';
import { type RunningServer, startServer } from '../helpers/server.js';
import { delay } from '../helpers/wait-for.js';

const CONTENT_JSON = 2;
const CONTENT_ANY = 8;

/** One item of `client` at `clock` in the root array 'arr', whose content is written by `content`. */
function itemUpdate(client: number, clock: number, contentRef: number, content: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 1); // clients
  encoding.writeVarUint(encoder, 1); // structs
  encoding.writeVarUint(encoder, client);
  encoding.writeVarUint(encoder, clock);
  encoding.writeUint8(encoder, contentRef); // no origins: the parent follows
  encoding.writeVarUint(encoder, 1); // the parent is a root type, by name
  encoding.writeVarString(encoder, 'arr');
  content(encoder);
  encoding.writeVarUint(encoder, 0); // no deletions
  return encodeSyncFrame('update', encoding.toUint8Array(encoder));
}

const depth = 10_000;
const deepJson = (encoder: encoding.Encoder) => {
  encoding.writeVarUint(encoder, 1);
  encoding.writeVarString(encoder, `${'['.repeat(depth)}${']'.repeat(depth)}`);
};
const deepAny = (encoder: encoding.Encoder) => {
  encoding.writeVarUint(encoder, 1);
  for (let i = 0; i < depth; i++) encoding.writeUint8Array(encoder, new Uint8Array([117, 1])); // an array of one…
  encoding.writeUint8Array(encoder, new Uint8Array([117, 0])); // …down to an empty one
};

describe('content nested thousands of levels deep', () => {
  let running: RunningServer;
  const sockets: RawSocket[] = [];
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.close();
    await running?.close();
  });

  for (const [kind, ref, content] of [
    ['JSON', CONTENT_JSON, deepJson],
    ['any', CONTENT_ANY, deepAny],
  ] as const) {
    for (const held of [false, true]) {
      it(`is refused MALFORMED_UPDATE (${kind} content${held ? ', held back' : ''}); the document stays open and readable`, async () => {
        running = await startServer();
        const attacker = await connectRaw(running.url, 'deep-content', { session: 'attacker-session-0123456789' });
        const editor = await connectRaw(running.url, 'deep-content', { session: 'editor-session-0123456789' });
        sockets.push(attacker, editor);
        await syncRaw(attacker);
        await syncRaw(editor);
        let editorLeft = false;
        editor.on('disconnect', () => (editorLeft = true));
        expect(await emitWithAck(editor, 'update', textUpdateFrame('kept'))).toEqual({ ok: true });

        const answer = await emitWithAck(attacker, 'update', itemUpdate(4242, held ? 3 : 0, ref, content));
        expect(answer).toMatchObject({ ok: false, code: 'MALFORMED_UPDATE' });
        await delay(100);
        expect(editorLeft).toBe(false);
        const { doc } = await syncRaw(editor);
        expect(doc.getText('text').toString()).toBe('kept');
        expect(doc.getArray('arr').length).toBe(0);
        const stored = new Y.Doc();
        for (const update of await running.server.store.load('deep-content')) Y.applyUpdate(stored, update);
        expect(stored.getArray('arr').length).toBe(0);
        expect(() => Y.encodeStateAsUpdate(stored)).not.toThrow();
      });
    }
  }
});
