/**
 * One seeded schedule of the sync protocol: clients edit, messages are delivered, refused,
 * dropped, duplicated and reordered, connections are cut and the server restarts, all chosen by
 * one seeded generator, so a seed replays the same run. After every step each 'saved' claim is
 * checked against the store; at the end the faults stop, everything heals, and every client must
 * have saved everything, and every replica (and a fresh reader of the store) must agree.
 */
import * as prng from 'lib0/prng';
import type * as Y from 'yjs';
import { decodeSyncFrame } from '../../../shared/protocol/sync.js';
import type { Ack } from '../../../shared/ack.js';
import { ackError } from '../../../shared/ack.js';
import { ErrorCodes, type ErrorCode, errorInfo } from '../../../shared/errors.js';
import { mergeMany } from '../../../shared/merge-updates.js';
import type { DocumentStore } from '../../../server/persistence/types.js';
import { converged, snapshotOf } from '../convergence.js';
import { SimClient } from './sim-client.js';
import type { SimLink } from './sim-link.js';
import { SimServer } from './sim-server.js';
import { missingFrom, missingFromStoredBytes, readStored } from './store-contents.js';
import { VirtualClock } from './virtual-clock.js';
import { FaultyStore } from './faulty-store.js';

export interface WorldOptions {
  seed: number;
  docName: string;
  store: DocumentStore;
  /** A server restart: closes the store if it must and returns the one to use next. */
  reopenStore: (store: DocumentStore) => Promise<DocumentStore>;
  steps?: number;
  /**
   * Concurrent schedules: messages of one or several connections handled in the same turn, a cut in
   * the same turn as a delivery, writes that take turns and fail for real, documents unloaded as
   * soon as nobody holds them. Off, a seed replays the schedule it always did.
   */
  concurrent?: boolean;
}

/** Small limits, so parts, splits and caps happen with small edits. */
const limits = { maxUpdateBytes: 600, partBytes: 512, maxAssembledUpdateBytes: 6_000 };
const allCodes = Object.values(ErrorCodes) as ErrorCode[];

export class SimulationFailure extends Error {}

export async function runWorld(options: WorldOptions): Promise<{ steps: number; saves: number; finalStore: DocumentStore }> {
  const rng = prng.create(options.seed);
  const clock = new VirtualClock();
  const concurrent = options.concurrent === true;
  const faulty = (store: DocumentStore) => (concurrent ? new FaultyStore(store, () => prng.int32(rng, 0, 3)) : store);
  /** Frames sent to clients, with what the store held as they were sent (concurrent schedules). */
  const sent: { kind: string; frame: Uint8Array; stored: Promise<Y.Doc> }[] = [];
  const server: SimServer = new SimServer(
    faulty(options.store),
    limits,
    concurrent ? 0 : undefined,
    concurrent ? (kind, docName, frame) => sent.push({ kind, frame, stored: readStored(server.store, docName) }) : undefined,
  );
  const clients = Array.from({ length: prng.int32(rng, 2, 4) }, (_, i) => new SimClient(`client${i}`, clock));
  const log: string[] = [];
  let saves = 0;
  const fail = (why: string): never => {
    throw new SimulationFailure(`seed ${options.seed}: ${why}\nlast steps:\n  ${log.slice(-25).join('\n  ')}`);
  };

  const connect = (client: SimClient) => client.open(server.connect(options.docName, `session-${options.seed}-${client.name}`));
  const cut = async (client: SimClient) => {
    const link = client.link;
    if (link === null) return;
    client.lose();
    await server.disconnect(link);
  };
  const settle = async () => {
    // The server's fan-out waits for the end of the turn (setImmediate); sessions use microtasks.
    for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
  };
  /** What you receive is stored: every relay and sync reply carried only what the store held. */
  const checkSent = async () => {
    for (const { kind, frame, stored } of sent.splice(0)) {
      const doc = await stored;
      const missing = missingFromStoredBytes(doc, decodeSyncFrame(frame).payload);
      doc.destroy();
      if (missing.length > 0) fail(`a ${kind} carried what the store lacked: ${missing.slice(0, 3).join(', ')}`);
    }
  };
  const checkClaims = async () => {
    await checkSent();
    const claims = clients.flatMap((client) => client.unchecked.splice(0));
    if (claims.length === 0) return;
    saves += claims.length;
    const stored = await readStored(server.store, options.docName);
    for (const claim of claims) {
      const missing = missingFrom(stored, claim.edits);
      if (missing.length > 0) fail(`${claim.client} said saved, but the store lacks ${missing.slice(0, 3).join(', ')}`);
    }
    stored.destroy();
  };

  const deliverToServer = async (link: SimLink, faults: boolean) => {
    const message = link.toServer.shift()!;
    if (faults && prng.real53(rng) < 0.12) {
      const code = prng.oneOf(rng, allCodes);
      log.push(`${link.id}: ${message.kind} refused with ${code}`);
      link.toClient.push({ kind: 'ack', reply: ackError(errorInfo(code)), answer: message.answer as (reply: Ack) => void });
      return;
    }
    let reply = await server.handle(link, message);
    // Applied, but answered with a refusal all the same (a store that failed after the apply, say).
    if (faults && prng.real53(rng) < 0.05) reply = ackError(errorInfo(prng.oneOf(rng, allCodes)));
    log.push(
      `${link.id}: ${message.kind}${message.kind === 'part' ? ` ${message.header.index}${message.header.final ? ' final' : ''}` : ''} → ${reply.ok ? 'ok' : reply.code}`,
    );
    if (link.open) link.toClient.push({ kind: 'ack', reply, answer: message.answer as (reply: Ack) => void });
  };

  /** Messages being handled without the simulation waiting for them (concurrent schedules). */
  const handling = new Set<Promise<void>>();
  let handlerFailure: unknown = null;
  /** Hands every queued message of `link` to the server in this turn; each ack is queued when it resolves. */
  const deliverAllNow = (link: SimLink) => {
    for (const message of link.toServer.splice(0)) {
      const handled = server.handle(link, message).then(
        (reply) => {
          log.push(`${link.id}: ${message.kind} (concurrent) → ${reply.ok ? 'ok' : reply.code}`);
          if (link.open) link.toClient.push({ kind: 'ack', reply, answer: message.answer as (reply: Ack) => void });
        },
        (error: unknown) => void (handlerFailure ??= error),
      );
      handling.add(handled);
      void handled.finally(() => handling.delete(handled));
    }
  };
  const concurrentStep = async (client: SimClient) => {
    const roll = prng.real53(rng);
    const store = server.store as FaultyStore;
    if (roll < 0.4) {
      // Every connection's messages in one turn: a refusal of one and an ack of another interleave.
      log.push('burst');
      for (const each of clients) if (each.link !== null) deliverAllNow(each.link);
    } else if (roll < 0.6) {
      if (client.link === null) return;
      log.push(`${client.name}: sends and is cut in the same turn`);
      deliverAllNow(client.link);
      await cut(client);
    } else if (roll < 0.7) {
      // The document is closed under everyone (an admin's deletion, shutdown) while messages are handled.
      log.push('everyone sends, is disconnected and the document is closed in the same turn');
      for (const each of clients) if (each.link !== null) deliverAllNow(each.link);
      for (const each of clients) await cut(each);
      await server.registry.evict(options.docName);
    } else if (roll < 0.8) {
      store.failing = !store.failing;
      log.push(store.failing ? 'store starts failing' : 'store writes again');
    } else {
      // A joiner in the same turn as everyone's writes.
      if (client.link !== null) await cut(client);
      log.push(`${client.name}: rejoins in the same turn as a burst`);
      connect(client);
      for (const each of clients) if (each.link !== null) deliverAllNow(each.link);
    }
  };
  const quiesce = async () => {
    while (handling.size > 0) await Promise.all([...handling]);
    if (handlerFailure !== null) fail(`a handler threw: ${String(handlerFailure)}`);
  };

  const deliverToClient = (client: SimClient, faults: boolean) => {
    const link = client.link!;
    let index = 0;
    // Reorder: an ack further back overtakes what is before it.
    if (faults && prng.real53(rng) < 0.15) {
      const acks = link.toClient.flatMap((message, i) => (message.kind === 'ack' ? [i] : []));
      if (acks.length > 0) index = prng.oneOf(rng, acks);
    }
    const [message] = link.toClient.splice(index, 1);
    if (message === undefined) return;
    if (message.kind === 'broadcast') {
      client.receive(message.payload);
      return;
    }
    const roll = faults ? prng.real53(rng) : 1;
    if (roll < 0.06) return void log.push(`${client.name}: ack dropped`);
    message.answer(message.reply);
    if (roll < 0.12) {
      log.push(`${client.name}: ack duplicated`);
      message.answer(message.reply);
    }
  };

  const edit = (client: SimClient) => {
    const text = client.doc.getText('text');
    const roll = prng.real53(rng);
    if (roll < 0.5 || text.length === 0) {
      text.insert(prng.int32(rng, 0, text.length), prng.word(rng, 1, 8));
      log.push(`${client.name}: types`);
    } else if (roll < 0.7) {
      const at = prng.int32(rng, 0, text.length - 1);
      text.delete(at, prng.int32(rng, 1, Math.min(6, text.length - at)));
      log.push(`${client.name}: deletes`);
    } else if (roll < 0.85) {
      client.doc.getMap('map').set(prng.word(rng, 1, 2), prng.int32(rng, 0, 1000));
      log.push(`${client.name}: sets`);
    } else {
      // A paste larger than a message: it travels in parts, and several may exceed the cap together.
      text.insert(prng.int32(rng, 0, text.length), prng.word(rng, 600, 2_500));
      log.push(`${client.name}: pastes`);
    }
  };

  for (const client of clients) connect(client);
  const steps = options.steps ?? prng.int32(rng, 30, 120);
  for (let step = 0; step < steps; step++) {
    const roll = prng.real53(rng);
    const client = prng.oneOf(rng, clients);
    if (roll < 0.3) edit(client);
    else if (roll < 0.55) {
      if (client.link !== null && client.link.toServer.length > 0) await deliverToServer(client.link, true);
    } else if (roll < 0.8) {
      if (client.link !== null && client.link.toClient.length > 0) deliverToClient(client, true);
    } else if (roll < 0.88) {
      if (clock.fireNext()) log.push(`time ${clock.now}`);
    } else if (roll < 0.93) {
      if (client.link !== null) {
        log.push(`${client.name}: cut`);
        await cut(client);
      }
    } else if (concurrent && roll < 0.96) {
      await concurrentStep(client);
    } else if (roll < 0.985) {
      if (client.link === null) {
        log.push(`${client.name}: connects`);
        connect(client);
      }
    } else {
      log.push('server restarts');
      for (const each of clients) if (each.link !== null) each.lose();
      await server.restart(async () => faulty(await options.reopenStore(concurrent ? (server.store as FaultyStore).inner : server.store)));
    }
    await settle();
    await checkClaims();
  }

  // Heal: no more faults; everyone reconnects and everything in flight is delivered.
  log.push('--- heal ---');
  if (concurrent) {
    (server.store as FaultyStore).failing = false;
    await quiesce();
  }
  for (const client of clients) {
    await cut(client);
    connect(client);
  }
  let idle = false;
  for (let round = 0; round < 50_000 && !idle; round++) {
    const sending = clients.find((client) => (client.link?.toServer.length ?? 0) > 0);
    const receiving = clients.find((client) => (client.link?.toClient.length ?? 0) > 0);
    if (sending !== undefined) await deliverToServer(sending.link!, false);
    else if (receiving !== undefined) deliverToClient(receiving, false);
    else if (!clock.fireNext()) idle = true;
    await settle();
    await checkClaims();
  }
  if (!idle) fail('the protocol never came to rest after the faults stopped');
  if (concurrent) await quiesce();

  for (const client of clients) {
    const { pending, synced } = client.session;
    if (!synced || pending.count > 0)
      fail(
        `${client.name} still has ${pending.count} pending (synced ${synced}, refused ${client.session.refused?.code ?? 'no'}) after healing`,
      );
  }
  const stored = await readStored(server.store, options.docName);
  for (const client of clients) {
    if (client.ownUpdates.length === 0) continue;
    const missing = missingFrom(stored, mergeMany(client.ownUpdates));
    if (missing.length > 0) fail(`the store lacks edits of ${client.name}: ${missing.slice(0, 3).join(', ')}`);
  }
  if (!converged([stored, ...clients.map((client) => client.doc)])) {
    fail(
      `replicas differ:\n  store ${snapshotOf(stored).slice(0, 200)}\n  ${clients.map((c) => `${c.name} ${snapshotOf(c.doc).slice(0, 200)}`).join('\n  ')}`,
    );
  }
  stored.destroy();
  for (const client of clients) await cut(client);
  await server.registry.closeAll();
  for (const client of clients) client.doc.destroy();
  return { steps, saves, finalStore: concurrent ? (server.store as FaultyStore).inner : server.store };
}
