import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { afterEach, describe, expect, it } from 'vitest';
import * as sync from 'y-protocols/sync';
import * as Y from 'yjs';
import {
  BOARD_MESSAGE_SYNC,
  BOARD_META,
  BOARD_PAGES,
  boardLockKey,
  boardPageKey,
  type BoardShape,
} from '@cosmo/core';
import { startEphemeralServer, type EphemeralServer } from '../ephemeral.js';
import { joinPeer, type Peer } from '../testing/peers.js';

/** A participant's copy of the board, synced by hand with y-protocols messages. */
class BoardCopy {
  readonly doc = new Y.Doc();
  readonly peer: Peer;
  constructor(peer: Peer) {
    this.peer = peer;
  }

  /** Sync step 1; applies the reply (and answers the server's step 1 with what it lacks). */
  async sync(): Promise<number> {
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, BOARD_MESSAGE_SYNC);
    sync.writeSyncStep1(e, this.doc);
    const reply = await this.send(encoding.toUint8Array(e));
    for (const m of reply) {
      const d = decoding.createDecoder(m);
      decoding.readVarUint(d);
      const out = encoding.createEncoder();
      encoding.writeVarUint(out, BOARD_MESSAGE_SYNC);
      sync.readSyncMessage(d, out, this.doc, 'server');
      if (encoding.length(out) > 1) await this.send(encoding.toUint8Array(out));
    }
    return reply.length;
  }

  /** Makes a change locally and sends it as an update; resolves once the server took it. */
  async change(f: (doc: Y.Doc) => void): Promise<void> {
    await this.send(this.updateOf(f));
  }

  /** The message a change would send (the local copy is changed). */
  updateOf(f: (doc: Y.Doc) => void): Uint8Array {
    let update: Uint8Array | undefined;
    const grab = (u: Uint8Array, origin: unknown) => {
      if (origin !== 'server') update = u;
    };
    this.doc.on('update', grab);
    this.doc.transact(() => f(this.doc));
    this.doc.off('update', grab);
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, BOARD_MESSAGE_SYNC);
    sync.writeUpdate(e, update!);
    return encoding.toUint8Array(e);
  }

  async send(message: Uint8Array): Promise<Uint8Array[]> {
    const res = await this.peer.client.request('boardMessage', { message });
    return res.boardReply?.messages ?? [];
  }
}

const stroke = (by: string, id: string): BoardShape => ({
  t: 'stroke',
  id,
  by,
  at: Date.now(),
  color: '#112233',
  size: 4,
  points: [10, 10, 0.5, 20, 25, 0.6, 30, 40, 0.7],
});

describe('the board on the server', () => {
  let t: EphemeralServer | undefined;
  const peers: Peer[] = [];
  afterEach(async () => {
    await Promise.all(peers.splice(0).map((p) => p.close()));
    await t?.close();
    t = undefined;
  });

  async function lecture() {
    t = await startEphemeralServer({ captions: false });
    const teacher = await joinPeer(t, 'kana', 'tanaka', 'teacher', { autoSubscribe: 'none' });
    const student = await joinPeer(t, 'kana', 'li', 'student', { autoSubscribe: 'none' });
    peers.push(teacher, student);
    const tb = new BoardCopy(teacher);
    const sb = new BoardCopy(student);
    await tb.sync();
    await sb.sync();
    await tb.change((doc) => {
      doc.getArray<string>(BOARD_PAGES).push(['1']);
      doc.getArray(boardPageKey('1')).push([
        {
          t: 'text',
          id: 'jp',
          by: 'tanaka',
          at: 1,
          color: '#000000',
          size: 32,
          x: 100,
          y: 100,
          text: '日本語',
        },
      ]);
    });
    const board = t.server.boards.forRoom('kana');
    return { teacher, student, tb, sb, board };
  }

  it('the teacher writes, a student granted drawing adds a stroke, a late joiner gets both in one reply', async () => {
    const { teacher, student, sb, board } = await lecture();
    // Without the right: refused, nothing changed.
    const before = Y.encodeStateAsUpdate(board.doc);
    await expect(
      sb.change((doc) => doc.getArray(boardPageKey('1')).push([stroke('li', 's1')])),
    ).rejects.toMatchObject({
      code: 'PERMISSION_DENIED',
      reason: 'BOARD_NOT_ALLOWED',
    });
    expect(Y.encodeStateAsUpdate(board.doc)).toEqual(before);
    // Granted: the student's copy is re-synced (its refused change is still local: start afresh).
    await teacher.client.setPermissions(student.client.self!.id, {
      speak: false,
      video: false,
      screen: false,
      chat: true,
      draw: true,
    });
    const fresh = new BoardCopy(student);
    await fresh.sync();
    await fresh.change((doc) => doc.getArray(boardPageKey('1')).push([stroke('li', 's2')]));

    const late = await joinPeer(t!, 'kana', 'wang', 'student', { autoSubscribe: 'none' });
    peers.push(late);
    const lb = new BoardCopy(late);
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, BOARD_MESSAGE_SYNC);
    sync.writeSyncStep1(e, lb.doc);
    const reply = await lb.send(encoding.toUint8Array(e));
    // One message with the whole board (then the server's own step 1).
    const d = decoding.createDecoder(reply[0]!);
    decoding.readVarUint(d);
    sync.readSyncMessage(d, encoding.createEncoder(), lb.doc, 'server');
    const shapes = lb.doc.getArray<BoardShape>(boardPageKey('1')).toArray();
    expect(shapes.map((s) => s.id)).toEqual(['jp', 's2']);
    expect(shapes[0]).toMatchObject({ text: '日本語' });
  });

  it('refuses oversized, malformed and forbidden changes with a clear code, the board intact, and goes on serving', async () => {
    const { teacher, student, tb, sb, board } = await lecture();
    await teacher.client.setPermissions(student.client.self!.id, {
      speak: false,
      video: false,
      screen: false,
      chat: true,
      draw: true,
    });
    await tb.change((doc) => doc.getArray(boardPageKey('1')).push([stroke('tanaka', 't1')]));
    await sb.sync();
    const intact = Y.encodeStateAsUpdate(board.doc);
    const refusals: [string, () => Promise<unknown>][] = [
      ['BOARD_MALFORMED', () => sb.send(new Uint8Array([0, 2, 5, 1, 2, 3, 4, 5]))],
      ['BOARD_MALFORMED', () => sb.send(new Uint8Array([7]))],
      [
        'BOARD_MALFORMED',
        () =>
          sb.send(
            new BoardCopy(student).updateOf((doc) =>
              doc
                .getArray(boardPageKey('1'))
                .push([{ t: 'stroke', id: 'x', by: 'li', points: 'lots' }]),
            ),
          ),
      ],
      [
        'BOARD_NOT_YOURS',
        () =>
          sb.send(
            new BoardCopy(student).updateOf((doc) =>
              doc.getArray(boardPageKey('1')).push([stroke('tanaka', 'forged')]),
            ),
          ),
      ],
      [
        'BOARD_NOT_YOURS',
        () => sb.send(sb.updateOf((doc) => doc.getArray(boardPageKey('1')).delete(1, 1))),
      ],
      [
        'BOARD_MODERATORS_ONLY',
        () =>
          sb.send(
            new BoardCopy(student).updateOf((doc) => doc.getMap(BOARD_META).set('stage', true)),
          ),
      ],
      [
        'BOARD_MALFORMED',
        () =>
          sb.send(new BoardCopy(student).updateOf((doc) => doc.getText('notes').insert(0, 'hi'))),
      ],
      [
        'BOARD_NO_PAGE',
        () =>
          sb.send(
            new BoardCopy(student).updateOf((doc) =>
              doc.getArray(boardPageKey('9')).push([stroke('li', 'n')]),
            ),
          ),
      ],
    ];
    // Larger than any frame the server takes: refused before it is read.
    await expect(sb.send(new Uint8Array(300 * 1024))).rejects.toMatchObject({
      code: 'BAD_FRAME',
    });
    for (const [reason, attempt] of refusals)
      await expect(attempt(), reason).rejects.toMatchObject({ reason });
    expect(Y.encodeStateAsUpdate(board.doc)).toEqual(intact);

    // A locked page refuses students (and their copy, built on the board, is not out of sync).
    await tb.change((doc) => doc.getMap(BOARD_META).set(boardLockKey('1'), true));
    const locked = new BoardCopy(student);
    await locked.sync();
    await expect(
      locked.change((doc) => doc.getArray(boardPageKey('1')).push([stroke('li', 'l1')])),
    ).rejects.toMatchObject({ code: 'PERMISSION_DENIED', reason: 'BOARD_LOCKED' });
    // A change built on something the board never had.
    const elsewhere = new Y.Doc();
    elsewhere.getArray(boardPageKey('1')).push([stroke('li', 'a')]);
    const stranger = new BoardCopy(student);
    Y.applyUpdate(stranger.doc, Y.encodeStateAsUpdate(elsewhere));
    await expect(
      stranger.change((doc) => doc.getArray(boardPageKey('1')).insert(1, [stroke('li', 'b')])),
    ).rejects.toMatchObject({ reason: 'BOARD_OUT_OF_SYNC' });

    // Unlocked, the student's own stroke goes in and is erased again by them.
    await tb.change((doc) => doc.getMap(BOARD_META).set(boardLockKey('1'), false));
    const own = new BoardCopy(student);
    await own.sync();
    await own.change((doc) => doc.getArray(boardPageKey('1')).push([stroke('li', 'mine')]));
    await own.change((doc) => doc.getArray(boardPageKey('1')).delete(2, 1));
    expect(
      board.doc
        .getArray<BoardShape>(boardPageKey('1'))
        .toArray()
        .map((s) => s.id),
    ).toEqual(['jp', 't1']);
    // A change sent again adds nothing: answered, neither stored nor relayed again.
    const again = own.updateOf((doc) =>
      doc.getArray(boardPageKey('1')).push([stroke('li', 'twice')]),
    );
    await own.send(again);
    const seq = board.seqForTesting;
    await own.send(again);
    expect(board.seqForTesting).toBe(seq);
    // A cursor message that is not an awareness update is not relayed.
    await expect(own.send(new Uint8Array([1, 5, 1, 2, 3, 4, 5]))).rejects.toMatchObject({
      reason: 'BOARD_MALFORMED',
    });
    await expect(student.client.request('ping', {})).resolves.toBeDefined();
  });
});
