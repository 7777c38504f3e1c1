/**
 * `npx tsx bench/turn-merge.ts`: what the fan-out spends merging one turn, the way a fan-out burst
 * produces it (10 writers, one Y.Map entry each, as the server document emits them): everything
 * once for the receivers that sent nothing, and each sender's others. Y.mergeUpdates (before) and
 * the turn merge's concatenation (now), interleaved in one process so machine load hits both alike.
 */
import * as Y from 'yjs';
import { mergeMany } from '../shared/merge-updates.js';
import { type TurnUpdate, describeDocUpdate, mergeTurn } from '../server/core/turn-merge.js';

const WRITERS = Number(process.env.WRITERS ?? 10);
const ROUNDS = 400;

function burstTurns(rounds: number): TurnUpdate[][] {
  const server = new Y.Doc();
  let current: TurnUpdate[] = [];
  server.on('update', (update: Uint8Array) => current.push(describeDocUpdate(update, (c) => Y.getState(server.store, c))));
  const writers = Array.from({ length: WRITERS }, () => new Y.Doc());
  const turns: TurnUpdate[][] = [];
  for (let round = 0; round < rounds; round++) {
    current = [];
    for (const [i, writer] of writers.entries()) {
      const before = Y.encodeStateVector(writer);
      writer.getMap('sent').set(`${round}-${i}`, performance.now());
      Y.applyUpdate(server, Y.encodeStateAsUpdate(writer, before));
    }
    turns.push(current);
  }
  return turns;
}

function perTurn(turns: TurnUpdate[][], merge: (updates: TurnUpdate[]) => Uint8Array): number {
  const started = performance.now();
  for (const turn of turns) {
    merge(turn);
    for (let skip = 0; skip < turn.length; skip++) merge(turn.filter((_, i) => i !== skip));
  }
  return ((performance.now() - started) * 1000) / turns.length;
}

const turns = burstTurns(ROUNDS);
const yjs = (updates: TurnUpdate[]) => mergeMany(updates.map((u) => u.update));
const before: number[] = [];
const now: number[] = [];
for (let i = 0; i < 7; i++) {
  before.push(perTurn(turns, yjs));
  now.push(perTurn(turns, mergeTurn));
}
const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1]!;
const deliveries = (receivers: number) => WRITERS * receivers;
console.log(`${WRITERS} writers, one update each per turn: merging a turn for the fan-out (median of 7 × ${ROUNDS} turns)`);
for (const [name, values] of [
  ['Y.mergeUpdates', before],
  ['turn merge', now],
] as const) {
  const us = median(values);
  console.log(
    `  ${name.padEnd(15)} ${us.toFixed(1).padStart(7)} µs per turn = ${(us / deliveries(19)).toFixed(2)} µs per delivered update at 20 clients, ${(us / deliveries(99)).toFixed(3)} at 100`,
  );
}
