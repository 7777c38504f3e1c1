/**
 * Runs one round of the hostile suite: concurrent attackers, each with its own seeded generator,
 * so a seed reproduces every attacker's inputs whatever the interleaving.
 */
import createDebug from 'debug';
import * as prng from 'lib0/prng';
import { tokenFor } from '../tokens.js';
import { connectRaw, syncRaw } from '../raw-socket.js';
import {
  type BadMessage,
  type PayloadCategory,
  badMessage,
  overMessageLimit,
  ownAwareness,
  spoofedAwareness,
  validUpdate,
} from './bad-payloads.js';
import { badJoin } from './bad-joins.js';
import { badPacket } from './bad-packets.js';
import { encodeSyncFrame } from '../../../shared/protocol/sync.js';
import { PayloadAttacker, RawPacketAttacker, Tally } from './attackers.js';

export interface AttackPlan {
  /** Writers fuzzing documents of their own (bit-flipped updates may be valid and are applied). */
  fuzzWriters: number;
  fuzzInputsEach: number;
  /** A writer of the honest document sending only what must be refused. */
  honestDocWriterInputs: number;
  /** A read-only client of the honest document spoofing presence and sending garbage. */
  spooferInputs: number;
  /** Namespace joins and malformed Socket.io packets on raw connections. */
  rawInputs: number;
  /**
   * Short-lived connections (connect, open a document, sync, set presence, leave), not counted as
   * bad inputs: they make a leak per connection large enough to show in the memory check.
   */
  churnConnections: number;
}

export interface Attack {
  tally: Tally;
  fuzzDocs: string[];
  /** Closes every hostile connection. */
  close(): Promise<void>;
}

const debug = createDebug('quire:test:hostile');

/** The server's size limits in this suite: small, so that oversized inputs are cheap to send. */
export const hostileSizes = { maxUpdateBytes: 64 * 1024, maxAwarenessBytes: 4 * 1024, maxMessageBytes: 256 * 1024 };
const limits = hostileSizes;
const allCategories: PayloadCategory[] = [
  'random',
  'truncated',
  'bit-flipped',
  'huge-varint',
  'wrong-type',
  'missing-ack',
  'oversized',
  'unknown-event',
  'bad-awareness',
];
const refusedOnly = allCategories.filter((category) => category !== 'bit-flipped');
const honestDoc = 'honest/doc';

function session(gen: prng.PRNG): string {
  return `hostile-${prng.word(gen, 24, 24)}`;
}

async function fuzzWriter(
  url: string,
  gen: prng.PRNG,
  docName: string,
  count: number,
  tally: Tally,
  attackers: PayloadAttacker[],
): Promise<void> {
  const attacker = new PayloadAttacker(url, docName, tokenFor({ 'fuzz/*': 'write' }), session(gen), tally);
  attackers.push(attacker);
  const recent: string[] = [];
  // A valid update must always still be accepted: a document a bad input broke would refuse it.
  const canary = async () => {
    for (;;) {
      const message: BadMessage = { kind: 'canary', event: 'update', args: [encodeSyncFrame('update', validUpdate(gen))], withAck: true };
      const outcome = await attacker.send(message);
      if (outcome.kind === 'closed') continue;
      if (outcome.kind !== 'ok')
        tally.problem(`valid update refused on ${docName} (${JSON.stringify(outcome)}) after ${recent.join(', ')}`);
      return;
    }
  };
  for (let i = 0; i < count; i++) {
    const message = i % 200 === 199 ? overMessageLimit(gen, limits) : badMessage(gen, allCategories, limits);
    recent.push(message.kind);
    if (recent.length > 8) recent.shift();
    await attacker.send(message);
    tally.inputs++;
    if (i % 50 === 49) await canary();
    if (i % 500 === 499) debug('%s: %d inputs', docName, i + 1);
  }
  await canary();
}

async function honestDocWriter(url: string, gen: prng.PRNG, count: number, tally: Tally, attackers: PayloadAttacker[]): Promise<void> {
  const attacker = new PayloadAttacker(url, honestDoc, tokenFor({ [honestDoc]: 'write' }), session(gen), tally);
  attackers.push(attacker);
  for (let i = 0; i < count; i++) {
    await attacker.send(badMessage(gen, refusedOnly, limits));
    tally.inputs++;
    if (i % 500 === 499) debug('honest-document writer: %d inputs', i + 1);
  }
}

async function spoofer(
  url: string,
  gen: prng.PRNG,
  count: number,
  victims: readonly number[],
  tally: Tally,
  attackers: PayloadAttacker[],
): Promise<void> {
  const attacker = new PayloadAttacker(url, honestDoc, tokenFor({ [honestDoc]: 'read' }), session(gen), tally);
  attackers.push(attacker);
  for (let i = 0; i < count; i++) {
    const message =
      prng.int31(gen, 0, 9) < 6
        ? spoofedAwareness(gen, victims)
        : badMessage(gen, ['bad-awareness', 'random', 'wrong-type', 'unknown-event'], limits);
    const outcome = await attacker.send(message);
    if (message.kind === 'spoofed-awareness' && outcome.kind === 'ok')
      tally.problem("a spoofed awareness update for an honest client's id was accepted");
    tally.inputs++;
    if (i % 500 === 499) debug('spoofer: %d inputs', i + 1);
  }
}

async function rawWorker(url: string, gen: prng.PRNG, count: number, tally: Tally, raws: RawPacketAttacker[]): Promise<void> {
  const attacker = new RawPacketAttacker(url, tally);
  raws.push(attacker);
  for (let i = 0; i < count; ) {
    if (prng.int31(gen, 0, 99) < 85) {
      // A join sent on a connection that was closing may never have been seen: not counted.
      if (!(await attacker.join(badJoin(gen)))) continue;
    } else {
      const packet = badPacket(gen);
      await attacker.raw(packet.kind, packet.data);
    }
    tally.inputs++;
    i++;
    if (i % 500 === 499) debug('raw connection: %d inputs', i + 1);
  }
}

async function churn(url: string, gen: prng.PRNG, count: number, tally: Tally): Promise<void> {
  const token = tokenFor({ 'flood/*': 'write' });
  for (let i = 0; i < count; i++) {
    const socket = await connectRaw(url, `flood/churn-${prng.int31(gen, 0, 19)}`, { token, session: session(gen) });
    await syncRaw(socket);
    socket.emit('awareness', ownAwareness(prng.uint32(gen, 1, 2 ** 31)));
    // Half leave politely, half just drop the connection.
    if (prng.bool(gen)) socket.disconnect();
    else socket.io.engine.close();
    tally.count(tally.outcomes, 'churn:done');
  }
}

/** Runs every attacker of the plan at once; `label` keeps this round's fuzzed documents apart. */
export async function runAttack(url: string, gen: prng.PRNG, plan: AttackPlan, victims: readonly number[], label: string): Promise<Attack> {
  const tally = new Tally();
  const attackers: PayloadAttacker[] = [];
  const raws: RawPacketAttacker[] = [];
  const fork = () => prng.create(prng.uint32(gen, 0, 2 ** 32 - 1));
  const fuzzDocs = Array.from({ length: plan.fuzzWriters }, (_, i) => `fuzz/${label}-${i}`);
  await Promise.all([
    ...fuzzDocs.map((docName) => fuzzWriter(url, fork(), docName, plan.fuzzInputsEach, tally, attackers)),
    honestDocWriter(url, fork(), plan.honestDocWriterInputs, tally, attackers),
    spoofer(url, fork(), plan.spooferInputs, victims, tally, attackers),
    rawWorker(url, fork(), plan.rawInputs, tally, raws),
    churn(url, fork(), plan.churnConnections, tally),
  ]);
  return {
    tally,
    fuzzDocs,
    async close() {
      for (const attacker of attackers) attacker.close();
      for (const raw of raws) raw.close();
    },
  };
}
