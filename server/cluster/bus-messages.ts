/**
 * Messages between the nodes of a cluster, on the document bus (Redis pub/sub), in lib0 encoding:
 *
 *   varUint kind (0 update, 1 awareness, 2 deleted)
 *   varString node id · varString document name · varUint sent-at (ms since the epoch)
 *   update:    varUint first seq · varUint count · count × varUint8Array (the committed rows, in seq order)
 *              [· varString incarnation (of the document the rows belong to; absent from older nodes)]
 *   awareness: varUint8Array (a y-protocols awareness update; one without entries asks the
 *              other nodes holding the document for their clients' states)
 *   deleted:   nothing more (the document's rows were deleted: drop the copy in memory)
 *
 * Updates are sent only after COMMIT and carry their sequence numbers, so a receiver can tell a
 * duplicate from a gap. The bus may lose or reorder messages; the receiver repairs from the store.
 * The document name travels in the message because channel names are hashes.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

export type BusMessage =
  | { kind: 'update'; node: string; docName: string; sentAt: number; firstSeq: number; updates: Uint8Array[]; incarnation?: string }
  | { kind: 'awareness'; node: string; docName: string; sentAt: number; awareness: Uint8Array }
  | { kind: 'deleted'; node: string; docName: string; sentAt: number };

const KIND_UPDATE = 0;
const KIND_AWARENESS = 1;
const KIND_DELETED = 2;
const KINDS = { update: KIND_UPDATE, awareness: KIND_AWARENESS, deleted: KIND_DELETED } as const;

export function encodeBusMessage(message: BusMessage): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, KINDS[message.kind]);
  encoding.writeVarString(encoder, message.node);
  encoding.writeVarString(encoder, message.docName);
  encoding.writeVarUint(encoder, message.sentAt);
  if (message.kind === 'update') {
    encoding.writeVarUint(encoder, message.firstSeq);
    encoding.writeVarUint(encoder, message.updates.length);
    for (const update of message.updates) encoding.writeVarUint8Array(encoder, update);
    // Last, so nodes that do not know it ignore it.
    if (message.incarnation !== undefined) encoding.writeVarString(encoder, message.incarnation);
  } else if (message.kind === 'awareness') {
    encoding.writeVarUint8Array(encoder, message.awareness);
  }
  return encoding.toUint8Array(encoder);
}

/** Null for anything that is not a well-formed message (never throws). */
export function decodeBusMessage(bytes: Uint8Array): BusMessage | null {
  try {
    const decoder = decoding.createDecoder(bytes);
    const kind = decoding.readVarUint(decoder);
    const node = decoding.readVarString(decoder);
    const docName = decoding.readVarString(decoder);
    const sentAt = decoding.readVarUint(decoder);
    if (kind === KIND_UPDATE) {
      const firstSeq = decoding.readVarUint(decoder);
      const count = decoding.readVarUint(decoder);
      if (firstSeq < 1 || count < 1 || count > bytes.byteLength) return null;
      const updates: Uint8Array[] = [];
      for (let i = 0; i < count; i++) updates.push(decoding.readVarUint8Array(decoder));
      if (!decoding.hasContent(decoder)) return { kind: 'update', node, docName, sentAt, firstSeq, updates };
      return { kind: 'update', node, docName, sentAt, firstSeq, updates, incarnation: decoding.readVarString(decoder) };
    }
    if (kind === KIND_AWARENESS) return { kind: 'awareness', node, docName, sentAt, awareness: decoding.readVarUint8Array(decoder) };
    if (kind === KIND_DELETED) return { kind: 'deleted', node, docName, sentAt };
    return null;
  } catch {
    return null;
  }
}
