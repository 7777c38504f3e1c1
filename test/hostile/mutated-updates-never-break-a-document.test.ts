/**
 * Regression and fuzz test for update validation: updates written by Yjs, then mutated (bit flips,
 * byte changes, cuts, splices), are sent to a server document. Whatever is refused leaves the
 * document untouched; whatever is accepted leaves it healthy: it still encodes, still accepts a
 * valid update, what is stored reloads to the same content, and clients can apply what it sends.
 *
 * Reproduce a run with QUIRE_FUZZ_SEED=<seed> (the seed is in the test name).
 */
import * as prng from 'lib0/prng';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { PARTIALLY_APPLIED, QuireDocument } from '../../server/core/document.js';
import type { DocumentChannel } from '../../server/core/fan-out.js';
import type { ConnectionRef } from '../../server/core/origins.js';
import { MemoryStore } from '../../server/persistence/memory-store.js';
import { ErrorCodes, QuireError } from '../../shared/errors.js';
import { encodeIntegratedDiff } from '../../shared/integrated-diff.js';
import { snapshotOf } from '../helpers/convergence.js';

const seed = Number(process.env.QUIRE_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
/** More rounds for a longer local search: QUIRE_FUZZ_ROUNDS=200. */
const rounds = Number(process.env.QUIRE_FUZZ_ROUNDS ?? 10);
const mutationsPerRound = 150;

const silent: DocumentChannel = { broadcast() {}, sendTo() {} };
const writer: ConnectionRef = { id: 'fuzzer', access: 'write', sessionKey: 'fuzzer-session-key' };

function edit(gen: prng.PRNG, doc: Y.Doc): void {
  const text = doc.getText('text');
  const array = doc.getArray<unknown>('array');
  switch (prng.int31(gen, 0, 5)) {
    case 0:
      text.insert(prng.int31(gen, 0, text.length), prng.word(gen, 1, 6));
      break;
    case 1:
      if (text.length > 0) text.delete(prng.int31(gen, 0, text.length - 1), 1);
      break;
    case 2:
      doc.getMap('map').set(prng.word(gen, 1, 3), prng.oneOf(gen, [1, 'v', null, [1], { k: 2 }]));
      break;
    case 3:
      array.insert(prng.int31(gen, 0, array.length), [prng.int31(gen, 0, 9)]);
      break;
    case 4: {
      const nested = new Y.Map<unknown>();
      array.push([nested]);
      nested.set('x', prng.int31(gen, 0, 9));
      break;
    }
    default:
      text.format(0, Math.min(2, text.length), { bold: true });
  }
}

function mutate(gen: prng.PRNG, update: Uint8Array, other: Uint8Array): { kind: string; bytes: Uint8Array } {
  const bytes = update.slice();
  const at = () => prng.int31(gen, 0, Math.max(0, bytes.length - 1));
  switch (prng.int31(gen, 0, 4)) {
    case 0: {
      const flips = prng.int31(gen, 1, 3);
      for (let i = 0; i < flips; i++) bytes[at()]! ^= 1 << prng.int31(gen, 0, 7);
      return { kind: 'bit-flip', bytes };
    }
    case 1:
      bytes[at()] = prng.int31(gen, 0, 255);
      return { kind: 'byte-set', bytes };
    case 2: {
      const cut = at();
      return { kind: 'byte-drop', bytes: new Uint8Array([...bytes.subarray(0, cut), ...bytes.subarray(cut + 1)]) };
    }
    case 3: {
      const cut = at();
      return { kind: 'byte-insert', bytes: new Uint8Array([...bytes.subarray(0, cut), prng.int31(gen, 0, 255), ...bytes.subarray(cut)]) };
    }
    default: {
      const cut = at();
      return { kind: 'splice', bytes: new Uint8Array([...bytes.subarray(0, cut), ...other.subarray(prng.int31(gen, 0, other.length))]) };
    }
  }
}

function fingerprint(doc: Y.Doc): string {
  return `${Buffer.from(Y.encodeStateVector(doc)).toString('hex')}|${snapshotOf(doc)}`;
}

describe('mutated updates never break a document', () => {
  it(`refused updates change nothing and accepted ones leave the document healthy (seed ${seed})`, {
    timeout: 30_000 + rounds * 3_000,
  }, async () => {
    const gen = prng.create(seed);
    let accepted = 0;
    let refused = 0;
    for (let round = 0; round < rounds; round++) {
      const store = new MemoryStore();
      const document = new QuireDocument(`fuzz-${round}`, store, silent);
      const mirror = new Y.Doc();
      try {
        for (let step = 0; step < mutationsPerRound; step++) {
          // The mirror edits the same document, so mutated updates refer to structs that exist.
          const before = Y.encodeStateVector(mirror);
          edit(gen, mirror);
          const update = Y.encodeStateAsUpdate(mirror, before);
          const { kind, bytes } = mutate(gen, update, Y.encodeStateAsUpdate(mirror));
          const context = `seed ${seed}, round ${round}, step ${step}, ${kind}: ${Buffer.from(bytes).toString('hex')}`;
          const fingerprintBefore = fingerprint(document.ydoc);
          const stateBefore = Y.encodeStateAsUpdate(document.ydoc);
          try {
            await document.applyClientUpdate(writer, bytes);
            accepted++;
          } catch (error) {
            if (!(error instanceof QuireError)) throw new Error(`${context}: threw ${String(error)}`);
            // Applied and stored, though part of it waits for what it builds on: not acknowledged.
            if (error.code === ErrorCodes.MISSING_DEPENDENCIES) accepted++;
            else refused++;
            // Refused before integration: nothing changed. Failed halfway (Yjs cannot roll back), or
            // refused because part of it is held back (missing dependencies): the part that
            // integrated is kept, and the document must still be healthy (below).
            if (error.message !== PARTIALLY_APPLIED && error.code !== ErrorCodes.MISSING_DEPENDENCIES) {
              expect(fingerprint(document.ydoc), `a refused update changed the document (${context})`).toBe(fingerprintBefore);
            }
          }
          // Healthy: it encodes, a valid update still applies, and a client can take its state.
          try {
            const state = Y.encodeStateAsUpdate(document.ydoc);
            // What an honest client sends: what it integrated, not what it holds back.
            await document.applyClientUpdate(writer, encodeIntegratedDiff(mirror, Y.encodeStateVector(document.ydoc)));
            Y.applyUpdate(new Y.Doc(), state);
            Y.applyUpdate(mirror, Y.encodeStateAsUpdate(document.ydoc, Y.encodeStateVector(mirror)));
          } catch (error) {
            throw new Error(
              `the document is broken after ${context}: ${String(error)}\nbefore: ${Buffer.from(stateBefore).toString('hex')}`,
            );
          }
          if (step % 50 === 49) {
            const reloaded = new Y.Doc();
            for (const stored of await store.load(document.name)) Y.applyUpdate(reloaded, stored);
            expect(snapshotOf(reloaded), `stored state reloads (${context})`).toBe(snapshotOf(document.ydoc));
          }
        }
      } finally {
        document.destroy();
        mirror.destroy();
      }
    }
    expect(accepted + refused).toBe(rounds * mutationsPerRound);
    // Both paths were exercised.
    expect(accepted).toBeGreaterThan(rounds * 10);
    expect(refused).toBeGreaterThan(rounds * 10);
  });
});
