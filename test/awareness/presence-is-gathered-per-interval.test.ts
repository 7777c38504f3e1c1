import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate } from 'y-protocols/awareness';
import { encodeAwarenessSegments, joinAwarenessSegments } from '../../server/core/awareness-frames.js';
import { type Contribution, TurnBuffer } from '../../server/core/turn-buffer.js';
import { delay, waitFor } from '../helpers/wait-for.js';

describe('presence is gathered: at most one broadcast per interval, a quiet one at the end of its turn', () => {
  it('a value after a quiet interval goes at the end of its turn; values that keep coming wait for the interval', async () => {
    const flushed: Contribution<number>[][] = [];
    const buffer = new TurnBuffer<number>((items) => flushed.push(items), 1_000);
    buffer.push('a', 1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(flushed).toEqual([[{ senderId: 'a', value: 1 }]]);
    buffer.push('b', 2);
    buffer.push('a', 3);
    await new Promise((resolve) => setImmediate(resolve));
    await delay(20);
    // Within the interval of the last hand-over: still gathering.
    expect(flushed).toHaveLength(1);
    await waitFor(() => flushed.length === 2, 'the gathered values go out once the interval passed');
    expect(flushed[1]).toEqual([{ senderId: 'b', value: 2 }, { senderId: 'a', value: 3 }]);
    buffer.discard();
  });

  it('drain hands over at once, and the buffer without an interval hands over every turn', async () => {
    const flushed: number[][] = [];
    const gathered = new TurnBuffer<number>((items) => flushed.push(items.map((i) => i.value)), 10_000);
    gathered.push(null, 1);
    await new Promise((resolve) => setImmediate(resolve));
    gathered.push(null, 2);
    gathered.drain();
    expect(flushed).toEqual([[1], [2]]);
    const everyTurn: number[][] = [];
    const plain = new TurnBuffer<number>((items) => everyTurn.push(items.map((i) => i.value)));
    for (let turn = 0; turn < 3; turn++) {
      plain.push(null, turn);
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(everyTurn).toEqual([[0], [1], [2]]);
  });

  it('payloads joined from per-client segments apply like y-protocols encodings, removed clients included', () => {
    const server = new Awareness(new Y.Doc());
    server.setLocalState(null);
    const peers = [new Awareness(new Y.Doc()), new Awareness(new Y.Doc()), new Awareness(new Y.Doc())];
    peers.forEach((peer, i) => peer.setLocalState({ user: `u${i}`, cursor: i }));
    for (const peer of peers) applyAwarenessUpdate(server, encodeAwarenessUpdate(peer, [peer.clientID]), 'peer');
    peers[2]!.setLocalState(null);
    applyAwarenessUpdate(server, encodeAwarenessUpdate(peers[2]!, [peers[2]!.clientID]), 'peer');
    const ids = peers.map((peer) => peer.clientID);
    const segments = encodeAwarenessSegments(server, [...ids, ids[0]!, 424242]);
    const receiver = new Awareness(new Y.Doc());
    applyAwarenessUpdate(receiver, encodeAwarenessUpdate(peers[2]!, [ids[2]!]), 'earlier');
    applyAwarenessUpdate(receiver, joinAwarenessSegments(segments, [ids[1]!, ids[0]!, ids[2]!, ids[0]!])!, 'server');
    expect(receiver.getStates().get(ids[0]!)).toEqual({ user: 'u0', cursor: 0 });
    expect(receiver.getStates().get(ids[1]!)).toEqual({ user: 'u1', cursor: 1 });
    expect(receiver.getStates().has(ids[2]!)).toBe(false);
    expect(joinAwarenessSegments(segments, [424242])).toBeNull();
  });
});
