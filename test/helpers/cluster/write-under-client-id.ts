/**
 * A raw client that writes under a Yjs client id of its choosing: the forger of the client-id
 * ownership tests (or, declaring the id, a session claiming it).
 */
import * as Y from 'yjs';
import { encodeSyncFrame } from '../../../shared/protocol/sync.js';
import { PROTOCOL_VERSION } from '../../../shared/protocol/version.js';
import { type RawSocket, connectRaw, emitWithAck, syncRaw } from '../../helpers/raw-socket.js';

export type UpdateAnswer = { ok: boolean; code?: string; clientIds?: number[] };

/** Appends `text` to the document's 'text' under `clientId`; `declare` declares the id the session's own. */
export async function writeUnderClientId(
  url: string,
  docName: string,
  write: { session: string; clientId: number; text: string; declare?: boolean },
  opened: RawSocket[],
): Promise<UpdateAnswer> {
  const auth = { protocol: PROTOCOL_VERSION, session: write.session, ...(write.declare === true ? { clientIds: [write.clientId] } : {}) };
  const socket = await connectRaw(url, docName, { auth });
  opened.push(socket);
  const { doc } = await syncRaw(socket);
  const before = Y.encodeStateVector(doc);
  doc.clientID = write.clientId;
  doc.getText('text').insert(doc.getText('text').length, write.text);
  return (await emitWithAck(socket, 'update', encodeSyncFrame('update', Y.encodeStateAsUpdate(doc, before)))) as UpdateAnswer;
}
